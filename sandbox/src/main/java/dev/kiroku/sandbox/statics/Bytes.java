package dev.kiroku.sandbox.statics;

import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked reads from a byte array. Every read outside the array throws {@link Malformed},
 * which parsers turn into a report line instead of an exception escaping.
 */
final class Bytes {
    private Bytes() {
    }

    /** A read outside the file: the structure points past its end. */
    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message);
        }
    }

    static void check(byte[] b, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > b.length)
            throw new Malformed("reads " + length + " bytes at offset " + offset + " past the end of the file (" + b.length + " bytes)");
    }

    static int u8(byte[] b, long off) {
        check(b, off, 1);
        return b[(int) off] & 0xFF;
    }

    static int u16(byte[] b, long off, boolean little) {
        check(b, off, 2);
        int i = (int) off;
        return little ? (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 : (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
    }

    static long u32(byte[] b, long off, boolean little) {
        check(b, off, 4);
        int i = (int) off;
        long v = little
                ? (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (long) (b[i + 3] & 0xFF) << 24
                : (long) (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
        return v & 0xFFFFFFFFL;
    }

    static long u32be(byte[] b, int off) {
        return u32(b, off, false);
    }

    /** An unsigned 64-bit value; values above {@link Long#MAX_VALUE} come back negative and fail later bound checks. */
    static long u64(byte[] b, long off, boolean little) {
        long lo = u32(b, little ? off : off + 4, little);
        long hi = u32(b, little ? off + 4 : off, little);
        return hi << 32 | lo;
    }

    /** A NUL-terminated ASCII string of at most {@code max} bytes; "" when offset is outside the file. */
    static String cString(byte[] b, long off, int max) {
        if (off < 0 || off >= b.length) return "";
        int start = (int) off;
        int end = start;
        while (end < b.length && end - start < max && b[end] != 0) end++;
        return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
    }

    static boolean isPe(byte[] b) {
        if (b.length < 0x40) return false;
        long peOffset = u32(b, 0x3C, true);
        return peOffset + 4 <= b.length && b[(int) peOffset] == 'P' && b[(int) peOffset + 1] == 'E'
                && b[(int) peOffset + 2] == 0 && b[(int) peOffset + 3] == 0;
    }
}
