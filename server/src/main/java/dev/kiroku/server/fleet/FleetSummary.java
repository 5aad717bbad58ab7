package dev.kiroku.server.fleet;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet counted for the console's overview: endpoints per status, isolated, and those whose sensors reported event
 * loss (the worst first), so a browser never needs the whole endpoint list to draw it.
 */
final class FleetSummary {
    private FleetSummary() {
    }

    static Map<String, Object> of(List<Map<String, Object>> endpoints, int top) {
        Map<String, Long> statuses = new LinkedHashMap<>();
        for (String status : List.of("online", "offline", "revoked")) statuses.put(status, 0L);
        long isolated = 0;
        List<Map<String, Object>> lossy = new java.util.ArrayList<>();
        for (Map<String, Object> e : endpoints) {
            statuses.merge(String.valueOf(e.get("status")), 1L, Long::sum);
            Map<?, ?> inventory = e.get("inventory") instanceof Map<?, ?> m ? m : Map.of();
            if ("isolated".equals(inventory.get("isolation"))) isolated++;
            long lost = lost(inventory.get("losses"));
            if (lost > 0) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("agentId", e.get("agentId"));
                row.put("hostName", e.get("hostName"));
                row.put("lost", lost);
                lossy.add(row);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", endpoints.size());
        body.put("status", statuses);
        body.put("isolated", isolated);
        body.put("with_loss", lossy.size());
        body.put("most_loss", lossy.stream()
                .sorted(Comparator.comparingLong((Map<String, Object> r) -> (Long) r.get("lost")).reversed()).limit(top).toList());
        return body;
    }

    /** Sum of the loss counters an agent reports ({@code {"audit": 3, "fanotify": 0}}); unreadable values count 0. */
    private static long lost(Object losses) {
        if (!(losses instanceof Map<?, ?> counters)) return 0;
        long sum = 0;
        for (Object v : counters.values()) if (v instanceof Number n) sum += Math.max(0, n.longValue());
        return sum;
    }
}
