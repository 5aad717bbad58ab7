package dev.kiroku.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** One event as a readable line: time, host, action, process, what it touched. */
final class EventLine {
    private EventLine() {
    }

    static String of(JsonNode ecs) {
        String category = first(ecs.path("event.category"));
        String detail = switch (category) {
            case "process" -> text(ecs, "process.command_line", text(ecs, "process.executable", ""));
            case "file" -> text(ecs, "file.path", "") + (ecs.has("file.Ext.original.path") ? " (was " + text(ecs, "file.Ext.original.path", "") + ")" : "");
            case "network" -> ecs.has("destination.ip")
                    ? text(ecs, "destination.ip", "") + ":" + text(ecs, "destination.port", "")
                    : text(ecs, "source.ip", "") + ":" + text(ecs, "source.port", "");
            case "host" -> text(ecs, "kiroku.loss.count", "") + " lost by " + text(ecs, "kiroku.loss.source", "") + ": " + text(ecs, "kiroku.loss.reason", "");
            default -> text(ecs, "user.name", "") + " " + text(ecs, "message", "");
        };
        String process = ecs.has("process.name") ? text(ecs, "process.name", "") + "[" + text(ecs, "process.pid", "") + "]" : "-";
        return String.format("%-27s %-12s %-8s %-22s %-20s %s", text(ecs, "@timestamp", ""), text(ecs, "host.name", ""),
                category, text(ecs, "event.action", ""), process, detail);
    }

    private static String first(JsonNode node) {
        return node.isArray() && !node.isEmpty() ? node.get(0).asText() : node.asText("");
    }

    private static String text(JsonNode ecs, String field, String absent) {
        JsonNode value = ecs.get(field);
        return value == null || value.isNull() ? absent : value.asText();
    }
}
