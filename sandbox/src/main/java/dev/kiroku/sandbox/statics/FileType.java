package dev.kiroku.sandbox.statics;

import java.nio.charset.StandardCharsets;

/** A file's type, told by its content (magic numbers and shebang lines), never by its name. */
public enum FileType {
    ELF(true, false), PE(true, false), MACHO(true, false),
    SHELL_SCRIPT(true, true), PYTHON_SCRIPT(true, true), PERL_SCRIPT(true, true), OTHER_SCRIPT(true, true),
    ZIP(false, false), TAR(false, false), GZIP(false, false),
    TEXT(false, true), EMPTY(false, false), UNKNOWN(false, false);

    private final boolean runnable;
    private final boolean text;

    FileType(boolean runnable, boolean text) {
        this.runnable = runnable;
        this.text = text;
    }

    /** Whether the sandbox can run it (Linux: ELF and scripts; PE and Mach-O are only analysed statically). */
    public boolean runnable() {
        return runnable;
    }

    public boolean script() {
        return text && runnable;
    }

    public boolean archive() {
        return this == ZIP || this == TAR || this == GZIP;
    }

    public String label() {
        return name().toLowerCase();
    }

    /** Tells the type from the first bytes (the whole file may be passed; only the head is read). */
    public static FileType of(byte[] b) {
        if (b.length == 0) return EMPTY;
        if (startsWith(b, 0x7F, 'E', 'L', 'F')) return ELF;
        if (startsWith(b, 'M', 'Z')) return Bytes.isPe(b) ? PE : UNKNOWN;
        if (b.length >= 4) {
            long magic = Bytes.u32be(b, 0);
            if (magic == 0xFEEDFACEL || magic == 0xFEEDFACFL || magic == 0xCEFAEDFEL || magic == 0xCFFAEDFEL) return MACHO;
            // 0xCAFEBABE is a fat Mach-O when a small architecture count follows, a Java class otherwise
            if (magic == 0xCAFEBABEL && b.length >= 8 && Bytes.u32be(b, 4) > 0 && Bytes.u32be(b, 4) < 30) return MACHO;
        }
        if (startsWith(b, 0x1F, 0x8B)) return GZIP;
        if (startsWith(b, 'P', 'K', 3, 4) || startsWith(b, 'P', 'K', 5, 6)) return ZIP;
        if (b.length >= 262 && new String(b, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) return TAR;
        if (startsWith(b, '#', '!')) return script(shebang(b));
        return looksLikeText(b) ? TEXT : UNKNOWN;
    }

    /** The interpreter named by a "#!" line ("bash", "python3"), or "" when there is none. */
    public static String shebang(byte[] b) {
        if (!startsWith(b, '#', '!')) return "";
        int end = 2;
        while (end < b.length && end < 256 && b[end] != '\n') end++;
        String[] words = new String(b, 2, end - 2, StandardCharsets.US_ASCII).trim().split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) return "";
        String program = words[0].substring(words[0].lastIndexOf('/') + 1);
        return program.equals("env") && words.length > 1 ? words[words.length > 2 && words[1].startsWith("-") ? 2 : 1] : program;
    }

    private static FileType script(String interpreter) {
        if (interpreter.matches("(ba|da|z|k|a)?sh")) return SHELL_SCRIPT;
        if (interpreter.startsWith("python")) return PYTHON_SCRIPT;
        if (interpreter.startsWith("perl")) return PERL_SCRIPT;
        return OTHER_SCRIPT;
    }

    private static boolean looksLikeText(byte[] b) {
        int n = Math.min(b.length, 4096);
        int odd = 0;
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xFF;
            if (c == 0) return false;
            if (c < 0x09 || (c > 0x0D && c < 0x20)) odd++;
        }
        return odd * 20 < n;
    }

    private static boolean startsWith(byte[] b, int... prefix) {
        if (b.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if ((b[i] & 0xFF) != prefix[i]) return false;
        return true;
    }
}
