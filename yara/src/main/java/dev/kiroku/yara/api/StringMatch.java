package dev.kiroku.yara.api;

/**
 * One occurrence of a rule string in the scanned data.
 *
 * @param identifier the string's name in the rule, e.g. {@code $a}
 * @param base       where the scanned block starts: 0 for a file, the region's address for process memory
 * @param offset     offset of the match from {@code base}
 * @param length     length of the match in bytes
 * @param preview    the first matched bytes, printable ASCII kept and the rest as {@code \xNN}
 */
public record StringMatch(String identifier, long base, long offset, int length, String preview) {
    /** Bytes of a match shown in {@link #preview}. */
    public static final int PREVIEW_BYTES = 64;

    /** The address (process) or file offset where the match starts. */
    public long address() {
        return base + offset;
    }

    /** {@code bytes} as a preview: printable ASCII as is, everything else (and the backslash) as {@code \xNN}. */
    public static String preview(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                out.append((char) c);
            } else {
                out.append(String.format("\\x%02x", c));
            }
        }
        return out.toString();
    }
}
