package dev.kiroku.sensor.linux.audit;

import java.nio.charset.StandardCharsets;

/**
 * The field names of audit records as shared strings: a record has dozens of fields, and the same
 * few dozen names ({@code pid}, {@code uid}, {@code exe}, {@code a0} …) come back in every record,
 * so the parser looks the bytes up here instead of making a new string for each. A small table
 * indexed by a hash of the bytes; a name that collides with another simply replaces it. Not
 * thread-safe: one per parser.
 */
final class FieldNames {
    private static final int SIZE = 512;
    private static final int MAX_LENGTH = 32;

    private final String[] table = new String[SIZE];

    /** The name in {@code b[from, from + length)} (ISO-8859-1), shared when it was seen before. */
    String of(byte[] b, int from, int length) {
        if (length > MAX_LENGTH) return new String(b, from, length, StandardCharsets.ISO_8859_1);
        int hash = 0;
        for (int i = from; i < from + length; i++) hash = 31 * hash + (b[i] & 0xFF);
        int slot = (hash ^ (hash >>> 9)) & (SIZE - 1);
        String known = table[slot];
        if (known != null && matches(known, b, from, length)) return known;
        String name = new String(b, from, length, StandardCharsets.ISO_8859_1);
        table[slot] = name;
        return name;
    }

    private static boolean matches(String name, byte[] b, int from, int length) {
        if (name.length() != length) return false;
        for (int i = 0; i < length; i++) {
            if (name.charAt(i) != (char) (b[from + i] & 0xFF)) return false;
        }
        return true;
    }
}
