package dev.kiroku.yara.scan;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The {@code filetype} external: a coarse type from the first bytes and the extension, with the names THOR-style
 * rules compare against ({@code "EXE"}, {@code "ELF"}, {@code "MACH-O"}, {@code "PHP"}, ...). Empty when unknown.
 */
final class FileTypes {
    private FileTypes() {
    }

    static String of(byte[] head, int length, String extension) {
        if (startsWith(head, length, "MZ")) {
            return "EXE";
        }
        if (startsWith(head, length, "\u007fELF")) {
            return "ELF";
        }
        if (length >= 4) {
            int magic = (head[0] & 0xff) << 24 | (head[1] & 0xff) << 16 | (head[2] & 0xff) << 8 | head[3] & 0xff;
            if (magic == 0xfeedface || magic == 0xfeedfacf || magic == 0xcefaedfe || magic == 0xcffaedfe || magic == 0xcafebabe) {
                return "MACH-O";
            }
        }
        if (startsWith(head, length, "MDMP")) {
            return "MDMP";
        }
        if (startsWith(head, length, "{\\rtf")) {
            return "RTF";
        }
        String text = new String(head, 0, length, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        if (text.contains("<?php")) {
            return "PHP";
        }
        if (text.startsWith("#!") && text.contains("python")) {
            return "Python";
        }
        return switch (extension) {
            case ".php", ".phtml" -> "PHP";
            case ".py" -> "Python";
            case ".jsp", ".jspx" -> "JSP";
            case ".asp", ".aspx" -> "ASP";
            case ".vbs" -> "VBS";
            case ".bat", ".cmd" -> "BATCH";
            case ".ps1", ".psm1" -> "PowerShell";
            default -> "";
        };
    }

    private static boolean startsWith(byte[] head, int length, String magic) {
        if (length < magic.length()) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if ((head[i] & 0xff) != magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
