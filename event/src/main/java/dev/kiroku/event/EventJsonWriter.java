package dev.kiroku.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Writes an {@link Event} as the canonical JSON of {@link EventCodec}, byte for byte what the
 * Jackson mapper writes (record components in declaration order, the payload's {@code type}
 * first, nulls left out, ISO-8601 instants, Jackson's string escapes), without reflection or
 * intermediate objects: the agent encodes every event it journals. One instance per thread.
 * {@code EventJsonWriterTest} compares it with the mapper on thousands of random events.
 */
final class EventJsonWriter {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf = new byte[1024];
    private int len;

    byte[] write(Event e) {
        len = 0;
        raw("{\"agentId\":");
        string(e.agentId());
        raw(",\"sequence\":");
        number(e.sequence());
        raw(",\"timestamp\":");
        instant(e.timestamp());
        raw(",\"hostName\":");
        string(e.hostName());
        raw(",\"incomplete\":[");
        List<Incomplete> flags = e.incomplete();
        for (int i = 0; i < flags.size(); i++) {
            if (i > 0) b(',');
            b('"');
            raw(flags.get(i).name());
            b('"');
        }
        raw("],\"payload\":");
        payload(e.payload());
        b('}');
        return Arrays.copyOf(buf, len);
    }

    private void payload(Payload payload) {
        switch (payload) {
            case ProcessStart p -> {
                raw("{\"type\":\"process_start\"");
                process("process", p.process());
                bool("snapshot", p.snapshot());
            }
            case ProcessExit p -> {
                raw("{\"type\":\"process_exit\"");
                process("process", p.process());
                number("exitCode", p.exitCode());
                number("signal", p.signal());
            }
            case FileChange f -> {
                raw("{\"type\":\"file\"");
                enumValue("action", f.action());
                string("path", f.path());
                string("oldPath", f.oldPath());
                bool("directory", f.directory());
                process("process", f.process());
                string("sha256", f.sha256());
                string("md5", f.md5());
                string("sha1", f.sha1());
            }
            case NetworkActivity n -> {
                raw("{\"type\":\"network\"");
                enumValue("action", n.action());
                string("transport", n.transport());
                string("sourceIp", n.sourceIp());
                number("sourcePort", n.sourcePort());
                string("destinationIp", n.destinationIp());
                number("destinationPort", n.destinationPort());
                bool("success", n.success());
                process("process", n.process());
            }
            case UserActivity u -> {
                raw("{\"type\":\"user\"");
                enumValue("action", u.action());
                string("userName", u.userName());
                number("uid", u.uid());
                bool("success", u.success());
                string("sourceIp", u.sourceIp());
                string("terminal", u.terminal());
                string("recordType", u.recordType());
                string("message", u.message());
                process("process", u.process());
            }
            case LossReport l -> {
                raw("{\"type\":\"loss\"");
                string("source", l.source());
                number("count", l.count());
                instant("from", l.from());
                instant("to", l.to());
                string("reason", l.reason());
            }
            case ExecutionBlocked x -> {
                raw("{\"type\":\"execution_blocked\"");
                enumValue("attempt", x.attempt());
                string("path", x.path());
                string("sha256", x.sha256());
                string("reason", x.reason());
                process("process", x.process());
            }
            case YaraDetection y -> {
                raw("{\"type\":\"yara_detection\"");
                enumValue("trigger", y.trigger());
                bool("blocked", y.blocked());
                string("path", y.path());
                string("sha256", y.sha256());
                string("rule", y.rule());
                string("namespace", y.namespace());
                strings("tags", y.tags());
                name("strings");
                b('[');
                for (int i = 0; i < y.strings().size(); i++) {
                    YaraDetection.StringHit hit = y.strings().get(i);
                    if (i > 0) b(',');
                    b('{');
                    int hitStart = len;
                    string("identifier", hit.identifier());
                    number("offset", hit.offset());
                    number("length", hit.length());
                    string("preview", hit.preview());
                    firstWithoutComma(hitStart);
                    b('}');
                }
                b(']');
                process("process", y.process());
            }
        }
        b('}');
    }

    private void process(String name, ProcessInfo p) {
        if (p == null) return;
        name(name);
        b('{');
        int start = len;
        string("entityId", p.entityId());
        number("pid", p.pid());
        instant("startTime", p.startTime());
        ProcessInfo.ParentRef parent = p.parent();
        if (parent != null) {
            name("parent");
            b('{');
            int parentStart = len;
            string("entityId", parent.entityId());
            number("pid", parent.pid());
            string("executable", parent.executable());
            strings("args", parent.args());
            firstWithoutComma(parentStart);
            b('}');
        }
        string("executable", p.executable());
        strings("args", p.args());
        string("workingDirectory", p.workingDirectory());
        string("sha256", p.sha256());
        ProcessInfo.Credentials c = p.user();
        if (c != null) {
            name("user");
            b('{');
            int userStart = len;
            number("uid", c.uid());
            string("name", c.name());
            number("euid", c.euid());
            string("effectiveName", c.effectiveName());
            number("loginUid", c.loginUid());
            number("gid", c.gid());
            number("egid", c.egid());
            firstWithoutComma(userStart);
            b('}');
        }
        number("session", p.session());
        string("tty", p.tty());
        ProcessInfo.Namespaces ns = p.namespaces();
        if (ns != null) {
            name("namespaces");
            b('{');
            int nsStart = len;
            string("cgroup", ns.cgroup());
            string("containerId", ns.containerId());
            number("pidNamespace", ns.pidNamespace());
            number("mountNamespace", ns.mountNamespace());
            number("netNamespace", ns.netNamespace());
            firstWithoutComma(nsStart);
            b('}');
        }
        string("md5", p.md5());
        string("sha1", p.sha1());
        firstWithoutComma(start);
        b('}');
    }

    /** Fields are written with a leading comma; the first one of an object drops it. */
    private void firstWithoutComma(int objectStart) {
        if (len > objectStart && buf[objectStart] == ',') {
            System.arraycopy(buf, objectStart + 1, buf, objectStart, len - objectStart - 1);
            len--;
        }
    }

    private void name(String name) {
        raw(",\"");
        raw(name);
        raw("\":");
    }

    private void string(String name, String value) {
        if (value == null) return;
        name(name);
        string(value);
    }

    private void enumValue(String name, Enum<?> value) {
        if (value == null) return;
        name(name);
        b('"');
        raw(value.name());
        b('"');
    }

    private void number(String name, long value) {
        name(name);
        number(value);
    }

    private void bool(String name, boolean value) {
        name(name);
        raw(value ? "true" : "false");
    }

    private void instant(String name, Instant value) {
        if (value == null) return;
        name(name);
        instant(value);
    }

    private void strings(String name, List<String> values) {
        if (values == null) return;
        name(name);
        b('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) b(',');
            String v = values.get(i);
            if (v == null) raw("null");
            else string(v);
        }
        b(']');
    }

    /** Seconds of 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: ISO_INSTANT's plain four-digit years. */
    private static final long FIRST_PLAIN_SECOND = -62_167_219_200L;
    private static final long LAST_PLAIN_SECOND = 253_402_300_799L;

    /**
     * An instant as ISO_INSTANT writes it (as the mapper's InstantSerializer does): the fraction in
     * groups of three digits, none when zero. Written digit by digit for years 0000-9999 (the
     * formatter was a tenth of the enrichment thread's time); other years take {@link Instant#toString}.
     */
    private void instant(Instant value) {
        long seconds = value.getEpochSecond();
        if (seconds < FIRST_PLAIN_SECOND || seconds > LAST_PLAIN_SECOND) {
            b('"');
            raw(value.toString());
            b('"');
            return;
        }
        ensure(32);
        long days = Math.floorDiv(seconds, 86_400);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        // civil-from-days (H. Hinnant): proleptic Gregorian date of a day count since 1970-01-01
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
        b('"');
        digits(year, 4);
        b('-');
        digits(month, 2);
        b('-');
        digits(day, 2);
        b('T');
        digits(secondOfDay / 3600, 2);
        b(':');
        digits(secondOfDay / 60 % 60, 2);
        b(':');
        digits(secondOfDay % 60, 2);
        int nanos = value.getNano();
        if (nanos != 0) {
            b('.');
            if (nanos % 1_000_000 == 0) digits(nanos / 1_000_000, 3);
            else if (nanos % 1000 == 0) digits(nanos / 1000, 6);
            else digits(nanos, 9);
        }
        b('Z');
        b('"');
    }

    /** {@code value} in exactly {@code width} decimal digits, zero-padded (room already ensured). */
    private void digits(int value, int width) {
        for (int i = width - 1; i >= 0; i--) {
            buf[len + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        len += width;
    }

    private void number(long value) {
        if (value >= 0 && value < 10) {
            b('0' + (int) value);
        } else {
            raw(Long.toString(value));
        }
    }

    /** ASCII text without escapes (names, enum constants, numbers, instants). */
    private void raw(String ascii) {
        int n = ascii.length();
        ensure(n);
        ascii.getBytes(0, n, buf, len); // ASCII only: the deprecated method is exact and does not allocate
        len += n;
    }

    private void b(int c) {
        ensure(1);
        buf[len++] = (byte) c;
    }

    /** A JSON string in UTF-8 with Jackson's escapes: short forms for {@code \b\t\n\f\r}, {@code \\uXXXX} for other controls and UTF-16 surrogates. */
    private void string(String s) {
        int n = s.length();
        ensure(n * 6 + 2); // an escape takes 6 bytes, any other char at most 3
        buf[len++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    buf[len++] = (byte) c;
                } else {
                    escape(c);
                }
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                unicodeEscape(c); // the mapper escapes characters outside the BMP (and stray surrogates) as UTF-16 units
            } else {
                buf[len++] = (byte) (0xE0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        buf[len++] = '"';
    }

    private void escape(char c) {
        buf[len++] = '\\';
        switch (c) {
            case '"', '\\' -> buf[len++] = (byte) c;
            case '\b' -> buf[len++] = 'b';
            case '\t' -> buf[len++] = 't';
            case '\n' -> buf[len++] = 'n';
            case '\f' -> buf[len++] = 'f';
            case '\r' -> buf[len++] = 'r';
            default -> {
                len--;
                unicodeEscape(c);
            }
        }
    }

    private void unicodeEscape(char c) {
        buf[len++] = '\\';
        buf[len++] = 'u';
        buf[len++] = HEX[c >> 12];
        buf[len++] = HEX[(c >> 8) & 0xF];
        buf[len++] = HEX[(c >> 4) & 0xF];
        buf[len++] = HEX[c & 0xF];
    }

    private void ensure(int more) {
        if (len + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
}
