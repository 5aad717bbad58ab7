package dev.kiroku.server.detect;

import dev.kiroku.event.Event;
import dev.kiroku.event.YaraDetection;
import dev.kiroku.server.alerts.Alert;
import dev.kiroku.server.alerts.Occurrence;
import dev.kiroku.server.alerts.RuleInfo;

import java.util.List;
import java.util.Map;

/**
 * Every YARA match of an agent's policy scans ({@link YaraDetection}: a newly written file, a file about to be executed)
 * is an alert of rule {@code yara:<rule>}, level high, like the matches of a sweep; the event's ECS fields carry the
 * file, its hash, the matched strings with their offsets and the process. One alert per endpoint, rule, content and
 * trigger (refused or not) within the suppression window; repeats are counted.
 */
final class YaraDetectionAlert {
    private YaraDetectionAlert() {
    }

    static Occurrence of(Event event, YaraDetection yara, Map<String, Object> ecs) {
        String trigger = yara.trigger() == null ? "scan" : yara.trigger() == YaraDetection.Trigger.EXEC ? "before execution" : "on write";
        RuleInfo rule = new RuleInfo("yara:" + yara.rule(), "YARA match " + trigger + (yara.blocked() ? ", execution refused" : "")
                + ": " + yara.rule(), "high", "yara",
                yara.tags().stream().filter(t -> t.matches("(?i)t\\d{4}(\\.\\d{3})?")).map(String::toLowerCase).toList(),
                List.of(), List.of("policy scan " + trigger, "docs/yara.md"), "");
        String process = yara.process() == null ? null : yara.process().entityId();
        String key = "yara|policy|" + event.agentId() + "|" + yara.rule() + "|" + (yara.sha256() == null ? yara.path() : yara.sha256())
                + "|" + trigger + "|" + yara.blocked();
        return new Occurrence(Alert.Kind.RULE, rule, key, event.agentId(), event.hostName(), process, event.timestamp(), ecs,
                Map.of(), List.of());
    }
}
