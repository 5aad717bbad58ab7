package dev.kiroku.sensor.linux.audit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses the text of one audit record, {@code audit(<sec>.<ms>:<serial>): k=v k="v" k='v …' …},
 * from kernel datagrams or audit log lines. Never throws on content: a record without a readable
 * stamp is reported through {@link MalformedAuditRecordException}; anything after a good stamp
 * yields a record with whatever fields could be read. Not thread-safe (reuses scratch arrays).
 */
public final class AuditRecordParser {

    private static final int MAX_FIELDS = 4096;

    private String[] keys = new String[32];
    private int[] starts = new int[32];
    private int[] ends = new int[32];
    /** Where the fields of the record being parsed begin in the caller's buffer (value offsets are relative to it). */
    private int base;
    private AuditRecord.Quoting[] quoting = new AuditRecord.Quoting[32];
    private int count;
    private final FieldNames names = new FieldNames();

    /** Thrown when a record has no readable {@code audit(…)} stamp. Carries no stack trace. */
    public static final class MalformedAuditRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedAuditRecordException(String problem) {
            super(problem, null, false, false);
        }
    }

    /**
     * Parses a kernel record payload ({@code length} bytes from {@code offset}), of record type
     * {@code type}. Trailing NULs and newlines are ignored.
     */
    public AuditRecord parse(int type, byte[] buffer, int offset, int length) throws MalformedAuditRecordException {
        int end = offset + length;
        while (end > offset && (buffer[end - 1] == 0 || buffer[end - 1] == '\n')) {
            end--;
        }
        int at = indexOf(buffer, offset, end, "audit(");
        if (at < 0) {
            throw new MalformedAuditRecordException("no audit(...) stamp");
        }
        at += 6;
        // seconds
        long seconds = 0;
        int digits = 0;
        while (at < end && isDigit(buffer[at]) && digits < 19) {
            seconds = seconds * 10 + (buffer[at++] - '0');
            digits++;
        }
        if (digits == 0 || at >= end || buffer[at] != '.') {
            throw new MalformedAuditRecordException("bad timestamp seconds in stamp");
        }
        at++;
        int millis = 0;
        digits = 0;
        while (at < end && isDigit(buffer[at]) && digits < 9) {
            millis = millis * 10 + (buffer[at++] - '0');
            digits++;
        }
        if (digits == 0 || at >= end || buffer[at] != ':') {
            throw new MalformedAuditRecordException("bad timestamp fraction in stamp");
        }
        while (digits < 3) {
            millis *= 10;
            digits++;
        }
        while (digits > 3) {
            millis /= 10;
            digits--;
        }
        at++;
        long serial = 0;
        digits = 0;
        while (at < end && isDigit(buffer[at]) && digits < 19) {
            serial = serial * 10 + (buffer[at++] - '0');
            digits++;
        }
        if (digits == 0 || at >= end || buffer[at] != ')') {
            throw new MalformedAuditRecordException("bad serial in stamp");
        }
        at++;
        if (at < end && buffer[at] == ':') {
            at++;
        }
        count = 0;
        base = at;
        parseFields(buffer, at, end, true);
        return new AuditRecord(type, seconds, millis, serial, Arrays.copyOf(keys, count),
                Arrays.copyOfRange(buffer, at, end), Arrays.copyOf(starts, count), Arrays.copyOf(ends, count),
                Arrays.copyOf(quoting, count), count);
    }

    /**
     * Parses one line of an audit log: {@code [node=… ]type=NAME msg=audit(…): …}. A type name
     * that is not known maps to -1 unless written {@code UNKNOWN[n]}.
     */
    public AuditRecord parseLogLine(String line) throws MalformedAuditRecordException {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        int typeAt = indexOf(bytes, 0, bytes.length, "type=");
        if (typeAt < 0) {
            throw new MalformedAuditRecordException("no type= in log line");
        }
        int s = typeAt + 5;
        int e = s;
        while (e < bytes.length && bytes[e] != ' ') {
            e++;
        }
        int type = AuditRecordTypes.number(new String(bytes, s, e - s, StandardCharsets.ISO_8859_1));
        return parse(type, bytes, e, bytes.length - e);
    }

    private void parseFields(byte[] b, int at, int end, boolean allowNested) {
        while (at < end) {
            while (at < end && b[at] == ' ') {
                at++;
            }
            if (at >= end) {
                return;
            }
            int tokenStart = at;
            while (at < end && b[at] != ' ' && b[at] != '=') {
                at++;
            }
            if (at >= end || b[at] == ' ') {
                continue; // a word without '=' (avc:, denied, {, user, old, ...)
            }
            int keyStart = tokenStart;
            while (keyStart < at && (b[keyStart] == '(' || b[keyStart] == ',')) {
                keyStart++;
            }
            String key = names.of(b, keyStart, at - keyStart);
            at++; // '='
            if (at >= end) {
                add(key, at, at, AuditRecord.Quoting.BARE);
                return;
            }
            byte first = b[at];
            if (first == '"' || first == '\'') {
                int valueStart = at + 1;
                int close = valueStart;
                while (close < end && b[close] != first) {
                    close++;
                }
                add(key, valueStart, close, first == '"' ? AuditRecord.Quoting.DOUBLE : AuditRecord.Quoting.SINGLE);
                if (first == '\'' && allowNested) {
                    parseFields(b, valueStart, close, false);
                }
                at = close + 1;
            } else if (first == '{') {
                int close = at + 1;
                while (close < end && b[close] != '}') {
                    close++;
                }
                int valueStart = at + 1;
                int valueEnd = close;
                while (valueStart < valueEnd && (b[valueStart] & 0xFF) <= ' ') {
                    valueStart++;
                }
                while (valueEnd > valueStart && (b[valueEnd - 1] & 0xFF) <= ' ') {
                    valueEnd--;
                }
                add(key, valueStart, valueEnd, AuditRecord.Quoting.BRACES);
                at = close + 1;
            } else {
                int valueStart = at;
                while (at < end && b[at] != ' ') {
                    at++;
                }
                int valueEnd = at;
                boolean opens = false;
                for (int i = valueStart; i < valueEnd; i++) {
                    if (b[i] == '(') {
                        opens = true;
                        break;
                    }
                }
                // old PAM style "(hostname=?, addr=?, terminal=cron res=success)": drop the list punctuation,
                // but keep values such as "(none)" and "(null)" whole
                while (valueEnd > valueStart && (b[valueEnd - 1] == ',' || (!opens && b[valueEnd - 1] == ')'))) {
                    valueEnd--;
                }
                add(key, valueStart, valueEnd, AuditRecord.Quoting.BARE);
            }
        }
    }

    /** Adds a field whose value is {@code [valueStart, valueEnd)} of the caller's buffer. */
    private void add(String key, int valueStart, int valueEnd, AuditRecord.Quoting q) {
        if (count >= MAX_FIELDS) {
            return;
        }
        if (count == keys.length) {
            int n = keys.length * 2;
            keys = Arrays.copyOf(keys, n);
            starts = Arrays.copyOf(starts, n);
            ends = Arrays.copyOf(ends, n);
            quoting = Arrays.copyOf(quoting, n);
        }
        keys[count] = key;
        starts[count] = valueStart - base;
        ends[count] = valueEnd - base;
        quoting[count] = q;
        count++;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static int indexOf(byte[] b, int from, int end, String ascii) {
        int n = ascii.length();
        outer:
        for (int i = from; i + n <= end; i++) {
            for (int j = 0; j < n; j++) {
                if (b[i + j] != ascii.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
