package dev.kiroku.investigate.workflow;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An alert as investigation needs it: rule metadata, where and on which process it fired, and the matched events.
 *
 * @param id              the alert's id in the alert store ("" when it has none)
 * @param events          the matched events' ECS maps
 */
public record AlertRef(String id, String ruleId, String ruleTitle, String level, String agentId, String hostName,
                       String processEntityId, Instant time, List<Map<String, Object>> events) {
    public AlertRef {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(time, "time");
        id = id == null ? "" : id;
        events = events == null ? List.of() : List.copyOf(events);
    }
}
