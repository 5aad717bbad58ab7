package dev.kiroku.server.detect;

import dev.kiroku.event.Event;
import dev.kiroku.event.ExecutionBlocked;
import dev.kiroku.server.alerts.Alert;
import dev.kiroku.server.alerts.Occurrence;
import dev.kiroku.server.alerts.RuleInfo;

import java.util.List;
import java.util.Map;

/**
 * Every execution an agent refused ({@link ExecutionBlocked}) is an alert of the built-in rule {@value #RULE_ID}, level
 * high: something on the endpoint tried to run a file the fleet has blocked. It is raised through the same exceptions
 * and suppression as rule matches (one alert per endpoint, process and hash within the window; repeats are counted).
 */
final class BlockedExecutionAlert {
    static final String RULE_ID = "kiroku.block.exec";
    static final RuleInfo RULE = new RuleInfo(RULE_ID, "Execution of a blocked file refused", "high", "stable",
            List.of("t1204"), List.of("execution"), List.of("docs/response.md"), "Kiroku");

    private BlockedExecutionAlert() {
    }

    /** The occurrence for a blocked-execution event, with the event's ECS fields. */
    static Occurrence of(Event event, ExecutionBlocked blocked, Map<String, Object> ecs) {
        String process = blocked.process() == null ? null : blocked.process().entityId();
        String key = "rule|" + RULE_ID + "|" + event.agentId() + "|" + (process == null ? "" : process) + "|" + blocked.sha256();
        return new Occurrence(Alert.Kind.RULE, RULE, key, event.agentId(), event.hostName(), process, event.timestamp(), ecs,
                Map.of(), List.of());
    }
}
