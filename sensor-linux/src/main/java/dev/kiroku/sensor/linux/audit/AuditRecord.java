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
    /** The record's text; each value is {@code data[starts[i], ends[i])}, made a String only when asked. */
    private final byte[] data;
    private final int[] starts;
    private final int[] ends;
    private final String[] values;
    private final Quoting[] quoting;
    private final int count;

    AuditRecord(int type, long epochSeconds, int millis, long serial, String[] keys, byte[] data, int[] starts, int[] ends,
                Quoting[] quoting, int count) {
        this.type = type;
        this.epochSeconds = epochSeconds;
        this.millis = millis;
        this.serial = serial;
        this.keys = keys;
        this.data = data;
        this.starts = starts;
        this.ends = ends;
        this.values = new String[count];
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
        String v = values[index];
        if (v == null) {
            v = new String(data, starts[index], ends[index] - starts[index], StandardCharsets.UTF_8);
            values[index] = v;
        }
        return v;
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
        return i < 0 ? null : rawValue(i);
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
        if (quoting[index] != Quoting.BARE) {
            return rawValue(index);
        }
        if (is(index, "(null)") || is(index, "?") || is(index, "(none)")) {
            return null;
        }
        String k = keys[index];
        if ((ENCODED_FIELDS.contains(k) || (type == AuditRecordTypes.EXECVE && isExecveArgument(k))) && isHex(index)) {
            return new String(decodeHex(index), StandardCharsets.UTF_8);
        }
        return rawValue(index);
    }

    /** The bytes of a value: hex-decoded when bare hex, else the UTF-8 bytes of the text. */
    public byte[] bytes(int index) {
        if (quoting[index] == Quoting.BARE && isHex(index)) {
            return decodeHex(index);
        }
        return rawValue(index).getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the value is exactly this ASCII text. */
    private boolean is(int index, String ascii) {
        int from = starts[index];
        int n = ends[index] - from;
        if (n != ascii.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (data[from + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean isHex(int index) {
        int from = starts[index];
        int n = ends[index] - from;
        if (n == 0 || (n & 1) != 0) {
            return false;
        }
        for (int i = from; i < from + n; i++) {
            if (hexDigit(data[i]) < 0) {
                return false;
            }
        }
        return true;
    }

    private byte[] decodeHex(int index) {
        int from = starts[index];
        byte[] out = new byte[(ends[index] - from) / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (hexDigit(data[from + 2 * i]) << 4 | hexDigit(data[from + 2 * i + 1]));
        }
        return out;
    }

    private static int hexDigit(byte c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    /** A numeric field, or {@code fallback} when absent or not a decimal number. Unsigned 32-bit values above {@code Integer.MAX_VALUE} stay positive. */
    public long number(String key, long fallback) {
        int i = indexOf(key);
        if (i < 0) {
            return fallback;
        }
        return number(i, fallback);
    }

    /** The field at {@code index} as a decimal number, or {@code fallback} (as {@link #number(String, long)}). */
    public long number(int index, long fallback) {
        return parseDecimal(data, starts[index], ends[index], fallback);
    }

    /** A hexadecimal field without prefix (syscall arguments, arch), or {@code fallback}. */
    public long hexNumber(String key, long fallback) {
        int i = indexOf(key);
        if (i < 0) {
            return fallback;
        }
        int from = starts[i];
        int to = ends[i];
        if (to - from >= 2 && data[from] == '0' && (data[from + 1] == 'x' || data[from + 1] == 'X')) {
            from += 2;
        }
        if (from == to || to - from > 16) {
            return fallback;
        }
        long r = 0;
        for (int at = from; at < to; at++) {
            int d = hexDigit(data[at]);
            if (d < 0) {
                return fallback;
            }
            r = r << 4 | d;
        }
        return r;
    }

    /** All fields, decoded, first occurrence of each name winning. */
    public Map<String, String> fields() {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            map.putIfAbsent(keys[i], text(i));
        }
        return map;
    }

    /** The decimal number (optionally negative) in the ASCII bytes {@code b[from, to)}, or {@code fallback}. */
    static long parseDecimal(byte[] b, int from, int to, long fallback) {
        int n = to - from;
        if (n == 0 || n > 20) {
            return fallback;
        }
        int i = from;
        boolean negative = b[i] == '-';
        if (negative && ++i == to) {
            return fallback;
        }
        long r = 0;
        for (; i < to; i++) {
            byte c = b[i];
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

    /** A decimal number (optionally negative), or {@code fallback} when {@code v} is empty, not decimal or out of range. */
    static long parseDecimal(String v, long fallback) {
        return v.length() > 20 ? fallback : parseDecimal(v.getBytes(StandardCharsets.ISO_8859_1), 0, v.length(), fallback);
    }

    static boolean isExecveArgument(String key) {
        return key.length() >= 2 && key.charAt(0) == 'a' && key.charAt(1) >= '0' && key.charAt(1) <= '9';
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(typeName()).append(" audit(").append(epochSeconds).append('.')
                .append(String.format("%03d", millis)).append(':').append(serial).append("):");
        for (int i = 0; i < count; i++) {
            b.append(' ').append(keys[i]).append('=').append(rawValue(i));
        }
        return b.toString();
    }
}
