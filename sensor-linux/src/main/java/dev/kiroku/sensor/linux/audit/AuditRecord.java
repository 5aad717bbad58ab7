package dev.kiroku.sensor.linux.audit;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One parsed audit record: its type, its {@code audit(sec.ms:serial)} stamp and its fields in
 * order of appearance. Values are kept as written (without quotes) with their quoting, so that
 * hex-encoded untrusted strings can be decoded per field ({@link #text}) or joined as bytes first
 * (split EXECVE arguments). Fields inside a user-space {@code msg='…'} are flattened in after
 * {@code msg} itself.
 */
public final class AuditRecord {

    /** How a value was written. */
    public enum Quoting { BARE, DOUBLE, SINGLE, BRACES }

    /** Fields holding untrusted strings, which the kernel and libaudit hex-encode when they contain unsafe bytes. */
    private static final Set<String> ENCODED_FIELDS = Set.of(
            "acct", "cmd", "comm", "cwd", "data", "dir", "exe", "file", "grp", "key", "name", "ocomm", "path",
            "proctitle", "root_dir", "sw", "vm", "watch", "new-disk", "old-disk", "new-fs", "old-fs", "new-chardev",
            "old-chardev", "new-net", "old-net", "new-rng", "old-rng", "cgroup");

    private final int type;
    private final long epochSeconds;
    private final int millis;
    private final long serial;
    private final String[] keys;
    private final String[] values;
    private final Quoting[] quoting;
    private final int count;

    AuditRecord(int type, long epochSeconds, int millis, long serial, String[] keys, String[] values, Quoting[] quoting,
                int count) {
        this.type = type;
        this.epochSeconds = epochSeconds;
        this.millis = millis;
        this.serial = serial;
        this.keys = keys;
        this.values = values;
        this.quoting = quoting;
        this.count = count;
    }

    public int type() {
        return type;
    }

    public String typeName() {
        return AuditRecordTypes.name(type);
    }

    public long epochSeconds() {
        return epochSeconds;
    }

    public int millis() {
        return millis;
    }

    public long serial() {
        return serial;
    }

    public int fieldCount() {
        return count;
    }

    public String key(int index) {
        return keys[index];
    }

    /** The value as written, without its quotes. */
    public String rawValue(int index) {
        return values[index];
    }

    public Quoting quoting(int index) {
        return quoting[index];
    }

    public int indexOf(String key) {
        for (int i = 0; i < count; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    public boolean has(String key) {
        return indexOf(key) >= 0;
    }

    /** The raw value of the first field named {@code key}, or null. */
    public String raw(String key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    /**
     * The decoded text of the first field named {@code key}: quoted values as written, bare hex
     * values of untrusted-string fields decoded (invalid UTF-8 becomes U+FFFD), {@code (null)} and
     * {@code ?} as null.
     */
    public String text(String key) {
        int i = indexOf(key);
        return i < 0 ? null : text(i);
    }

    public String text(int index) {
        String v = values[index];
        if (quoting[index] != Quoting.BARE) {
            return v;
        }
        if (v.equals("(null)") || v.equals("?") || v.equals("(none)")) {
            return null;
        }
        String k = keys[index];
        if ((ENCODED_FIELDS.contains(k) || (type == AuditRecordTypes.EXECVE && isExecveArgument(k))) && isHex(v)) {
            return new String(decodeHex(v), StandardCharsets.UTF_8);
        }
        return v;
    }

    /** The bytes of a value: hex-decoded when bare hex, else the UTF-8 bytes of the text. */
    public byte[] bytes(int index) {
        String v = values[index];
        if (quoting[index] == Quoting.BARE && isHex(v)) {
            return decodeHex(v);
        }
        return v.getBytes(StandardCharsets.UTF_8);
    }

    /** A numeric field, or {@code fallback} when absent or not a decimal number. Unsigned 32-bit values above {@code Integer.MAX_VALUE} stay positive. */
    public long number(String key, long fallback) {
        int i = indexOf(key);
        if (i < 0) {
            return fallback;
        }
        return parseDecimal(values[i], fallback);
    }

    /** A hexadecimal field without prefix (syscall arguments, arch), or {@code fallback}. */
    public long hexNumber(String key, long fallback) {
        int i = indexOf(key);
        if (i < 0) {
            return fallback;
        }
        String v = values[i];
        if (v.startsWith("0x") || v.startsWith("0X")) {
            v = v.substring(2);
        }
        if (v.isEmpty() || v.length() > 16) {
            return fallback;
        }
        try {
            return Long.parseUnsignedLong(v, 16);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** All fields, decoded, first occurrence of each name winning. */
    public Map<String, String> fields() {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            map.putIfAbsent(keys[i], text(i));
        }
        return map;
    }

    static long parseDecimal(String v, long fallback) {
        int n = v.length();
        if (n == 0 || n > 20) {
            return fallback;
        }
        int i = 0;
        boolean negative = false;
        if (v.charAt(0) == '-') {
            negative = true;
            i = 1;
            if (n == 1) {
                return fallback;
            }
        }
        long r = 0;
        for (; i < n; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return fallback;
            }
            r = r * 10 + (c - '0');
            if (r < 0) {
                return fallback;
            }
        }
        return negative ? -r : r;
    }

    static boolean isExecveArgument(String key) {
        return key.length() >= 2 && key.charAt(0) == 'a' && key.charAt(1) >= '0' && key.charAt(1) <= '9';
    }

    static boolean isHex(String v) {
        int n = v.length();
        if (n == 0 || (n & 1) != 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    static byte[] decodeHex(String v) {
        byte[] out = new byte[v.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((Character.digit(v.charAt(2 * i), 16) << 4) | Character.digit(v.charAt(2 * i + 1), 16));
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(typeName()).append(" audit(").append(epochSeconds).append('.')
                .append(String.format("%03d", millis)).append(':').append(serial).append("):");
        for (int i = 0; i < count; i++) {
            b.append(' ').append(keys[i]).append('=').append(values[i]);
        }
        return b.toString();
    }
}
