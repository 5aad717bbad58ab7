package dev.kiroku.detect.sigma;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raw Linux audit logs (auditd's {@code audit.log}, {@code ausearch --raw}) as items, one record
 * per line, with the record's own field names, so that Sigma's {@code service: auditd} rules run in
 * raw mode: {@code type}, {@code msg} stamp as {@code @timestamp} and {@code serial}, and every
 * {@code key=value}. Hex-encoded values of argument, title and path fields are decoded.
 */
final class AuditLogItems {
    private static final Pattern STAMP = Pattern.compile("audit\\((\\d+)\\.(\\d+):(\\d+)\\)");
    private static final Pattern HEX = Pattern.compile("(?:[0-9A-F]{2})+");

    private AuditLogItems() {
    }

    /** True when a line looks like an audit record. */
    static boolean isAuditLine(String line) {
        String l = line.stripLeading();
        return l.startsWith("type=") || l.startsWith("node=");
    }

    /** Streams the records of a reader; a line that is not a record is reported and skipped. */
    static boolean read(String source, Reader reader, LogFiles.Sink sink) throws IOException {
        BufferedReader lines = new BufferedReader(reader);
        long number = 0;
        for (String line; (line = lines.readLine()) != null; ) {
            number++;
            if (line.isBlank()) continue;
            JsonItems.Item item = isAuditLine(line)
                    ? new JsonItems.Item(number - 1, number, parse(line), null)
                    : new JsonItems.Item(number - 1, number, null, "not an audit record");
            if (!sink.item(source, item)) return false;
        }
        return true;
    }

    static Map<String, Object> parse(String line) {
        Map<String, Object> fields = new LinkedHashMap<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && line.charAt(i) == ' ') i++;
            int eq = line.indexOf('=', i);
            if (eq < 0) break;
            String key = line.substring(i, eq).trim();
            int start = eq + 1;
            String value;
            if (start < n && (line.charAt(start) == '"' || line.charAt(start) == '\'')) {
                char quote = line.charAt(start);
                int end = line.indexOf(quote, start + 1);
                if (end < 0) end = n;
                value = line.substring(start + 1, end);
                i = end + 1;
                if ("msg".equals(key) && quote == '\'') {
                    fields.putAll(parse(value)); // user-space records carry their fields inside msg='…'
                    continue;
                }
            } else {
                int end = line.indexOf(' ', start);
                if (end < 0) end = n;
                value = line.substring(start, end);
                if (value.endsWith(":") && value.startsWith("audit(")) value = value.substring(0, value.length() - 1);
                i = end;
                value = decodeHex(key, value);
            }
            if ("msg".equals(key)) {
                Matcher stamp = STAMP.matcher(value);
                if (stamp.find()) {
                    fields.put("@timestamp", Instant.ofEpochSecond(Long.parseLong(stamp.group(1)),
                            Long.parseLong(stamp.group(2)) * 1_000_000L).toString());
                    fields.put("serial", stamp.group(3));
                }
            }
            if (!key.isEmpty()) fields.put(key, value);
        }
        return fields;
    }

    /** Argument, title and path fields arrive hex-encoded when they hold spaces, quotes or control bytes. */
    private static String decodeHex(String key, String value) {
        boolean encodable = key.equals("proctitle") || key.matches("a\\d+(\\[\\d+])?") || key.equals("name")
                || key.equals("cwd") || key.equals("exe") || key.equals("comm") || key.equals("data");
        if (!encodable || value.length() < 2 || !HEX.matcher(value).matches()) return value;
        byte[] bytes = HexFormat.of().parseHex(value);
        for (int b = 0; b < bytes.length; b++) if (bytes[b] == 0) bytes[b] = ' ';
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
