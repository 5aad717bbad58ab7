package dev.kiroku.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel audit settings as {@code auditctl -s} shows them, and the rule list of
 * {@code auditctl -l}: read before the benchmark touches audit, restored and compared after.
 */
record AuditState(Map<String, String> status, String rules) {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    static AuditState read(String auditctl) throws IOException {
        Commands.Result s = Commands.run(List.of(auditctl, "-s"), TIMEOUT);
        if (!s.ok()) throw new IOException("auditctl -s failed (" + s.exitCode() + "): " + s.output().trim());
        Map<String, String> status = new LinkedHashMap<>();
        for (String line : s.output().split("\n")) {
            String[] kv = line.trim().split(" ", 2);
            if (kv.length == 2) status.put(kv[0], kv[1].trim());
        }
        Commands.Result l = Commands.run(List.of(auditctl, "-l"), TIMEOUT);
        if (!l.ok()) throw new IOException("auditctl -l failed (" + l.exitCode() + "): " + l.output().trim());
        return new AuditState(status, l.output().trim());
    }

    long number(String key) {
        String v = status.get(key);
        if (v == null) return -1;
        try {
            return Long.parseLong(v.split(" ")[0]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    long enabled() {
        return number("enabled");
    }

    long pid() {
        return number("pid");
    }

    long backlogLimit() {
        return number("backlog_limit");
    }

    long backlogWaitTime() {
        return number("backlog_wait_time");
    }

    long lost() {
        return number("lost");
    }

    long backlog() {
        return number("backlog");
    }

    /** The settings this benchmark promises to leave as it found them. */
    String settings() {
        return "enabled=" + enabled() + " pid=" + pid() + " backlog_limit=" + backlogLimit()
                + " backlog_wait_time=" + backlogWaitTime() + " rules=" + (rules.isEmpty() ? "(none)" : rules.replace('\n', ';'));
    }

    /** Empty when {@code after} has the same settings and rules as this; otherwise what differs. */
    String differenceTo(AuditState after) {
        StringBuilder diff = new StringBuilder();
        for (String key : List.of("enabled", "pid", "backlog_limit", "backlog_wait_time")) {
            if (number(key) != after.number(key)) {
                diff.append(key).append(' ').append(number(key)).append(" -> ").append(after.number(key)).append("; ");
            }
        }
        if (!rules.equals(after.rules)) diff.append("rules '").append(rules).append("' -> '").append(after.rules).append("'; ");
        return diff.toString().trim();
    }
}
