package dev.kiroku.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** Lists the alerts of a running server. */
@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = "List alerts, newest first (docs/detection.md).", subcommands = {AlertsCommand.Exceptions.class, AlertsCommand.TriageCommand.class})
final class AlertsCommand implements Callable<Integer> {
    @Option(names = "--rule", paramLabel = "ID", description = "only this rule")
    String rule;

    @Option(names = "--level", paramLabel = "L", description = "only this level (informational, low, medium, high, critical)")
    String level;

    @Option(names = "--host", paramLabel = "H", description = "only this endpoint (host.name)")
    String host;

    @Option(names = "--agent", paramLabel = "ID", description = "only this agent (agent.id)")
    String agent;

    @Option(names = "--status", paramLabel = "S", description = "only alerts in this triage status (open, acknowledged, false_positive, resolved)")
    String status;

    @Option(names = "--last", paramLabel = "DURATION", description = "only alerts seen in the last 15m, 1h, 7d …")
    String last;

    @Option(names = "--limit", defaultValue = "50", description = "how many alerts (default ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--json", description = "print one JSON alert per line")
    boolean json;

    @Mixin
    ServerAddress server;

    @Override
    public Integer call() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("rule", rule);
        parameters.put("level", level);
        parameters.put("host", host);
        parameters.put("agent", agent);
        parameters.put("status", status);
        parameters.put("last", last);
        parameters.put("limit", Integer.toString(limit));
        return RulesCommand.call("alerts", () -> {
            JsonNode alerts = new ApiClient(server.url()).get("/api/v1/alerts", parameters).path("alerts");
            for (JsonNode a : alerts) {
                if (json) {
                    System.out.println(a);
                    continue;
                }
                JsonNode r = a.path("rule");
                System.out.printf("#%-6d %s  %-8s  %-14s %-16s  x%-4d %s%s  [%s]%n", a.path("id").asLong(), a.path("last_seen").asText(),
                        r.path("level").asText(), a.path("status").asText() + (a.path("assignee").isTextual() ? "@" + a.path("assignee").asText() : ""),
                        a.path("host_name").asText(), a.path("count").asLong(), r.path("title").asText(),
                        a.path("process_entity_id").isTextual() ? "  process " + a.path("process_entity_id").asText() : "",
                        String.join(",", techniques(r)));
            }
            if (!json) System.err.printf("%d alerts%n", alerts.size());
            return 0;
        });
    }

    /** Triage of one alert: its status and owner. */
    @Command(name = "triage", mixinStandardHelpOptions = true,
            description = "Set an alert's triage status and assignee: kiroku alerts triage ID --status acknowledged --assignee alice")
    static final class TriageCommand implements Callable<Integer> {
        @picocli.CommandLine.Parameters(index = "0", paramLabel = "ID", description = "the alert id")
        long id;

        @Option(names = "--status", paramLabel = "S", description = "open, acknowledged, false_positive or resolved")
        String status;

        @Option(names = "--assignee", paramLabel = "USER", description = "who owns it ('' to clear)")
        String assignee;

        @Mixin
        ServerAddress server;

        @Override
        public Integer call() {
            return RulesCommand.call("alerts triage", () -> {
                com.fasterxml.jackson.databind.node.ObjectNode body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
                if (status != null) body.put("status", status);
                if (assignee != null) body.put("assignee", assignee);
                JsonNode a = new ApiClient(server.url()).post("/api/v1/alerts/" + id + "/triage", Map.of(), body.toString(), "application/json");
                System.out.printf("alert #%d is %s%s%n", a.path("id").asLong(), a.path("status").asText(),
                        a.path("assignee").isTextual() ? ", assigned to " + a.path("assignee").asText() : "");
                return 0;
            });
        }
    }

    /** Alert exceptions (allow-list). */
    @Command(name = "exceptions", mixinStandardHelpOptions = true,
            description = "List alert exceptions; add (--field F --value V [--glob] [--rule ID]), --preview, or --delete ID.")
    static final class Exceptions implements Callable<Integer> {
        @Option(names = "--add", description = "add an exception from --field/--value/--glob/--rule/--comment")
        boolean add;

        @Option(names = "--preview", description = "count the stored alerts the exception would have suppressed; store nothing")
        boolean preview;

        @Option(names = "--delete", paramLabel = "ID", description = "delete this exception")
        Long delete;

        @Option(names = "--field", paramLabel = "F", description = "ECS field, e.g. process.parent.parent.executable")
        java.util.List<String> fields = new java.util.ArrayList<>();

        @Option(names = "--value", paramLabel = "V", description = "value for the --field at the same position")
        java.util.List<String> values = new java.util.ArrayList<>();

        @Option(names = "--glob", description = "values are globs (* and ?)")
        boolean glob;

        @Option(names = "--rule", paramLabel = "ID", description = "only for this rule (default: every rule)")
        String rule;

        @Option(names = "--comment", description = "why")
        String comment;

        @Mixin
        ServerAddress server;

        @Override
        public Integer call() {
            return RulesCommand.call("alerts exceptions", () -> {
                ApiClient api = new ApiClient(server.url());
                if (delete != null) {
                    api.delete("/api/v1/exceptions/" + delete);
                    System.out.println("deleted exception " + delete);
                    return 0;
                }
                if (add || preview) {
                    if (fields.isEmpty() || fields.size() != values.size()) {
                        System.err.println("kiroku alerts exceptions: give one --value for each --field");
                        return 2;
                    }
                    com.fasterxml.jackson.databind.node.ObjectNode body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
                    body.put("rule_id", rule);
                    body.put("comment", comment);
                    var conditions = body.putArray("conditions");
                    for (int i = 0; i < fields.size(); i++) {
                        conditions.addObject().put("field", fields.get(i)).put("value", values.get(i)).put("glob", glob);
                    }
                    if (preview) {
                        JsonNode p = api.post("/api/v1/exceptions/preview", Map.of(), body.toString(), "application/json");
                        System.out.printf("would suppress %d of %d alerts%n", p.path("would_suppress").asLong(), p.path("alerts_checked").asLong());
                    } else {
                        JsonNode e = api.post("/api/v1/exceptions", Map.of(), body.toString(), "application/json");
                        System.out.println("added exception " + e.path("id").asLong());
                    }
                    return 0;
                }
                for (JsonNode e : api.get("/api/v1/exceptions", Map.of()).path("exceptions")) {
                    System.out.printf("%-5d %-36s %s%s%n", e.path("id").asLong(), e.path("rule_id").isNull() ? "(all rules)" : e.path("rule_id").asText(),
                            e.path("conditions"), e.path("comment").isNull() ? "" : "  # " + e.path("comment").asText());
                }
                return 0;
            });
        }
    }

    private static java.util.List<String> techniques(JsonNode rule) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (JsonNode t : rule.path("techniques")) out.add(t.asText());
        return out;
    }
}
