package dev.kiroku.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** Incidents: alerts grouped by causal root, worked on and closed with a report (docs/investigation.md). */
@Command(name = "incident", mixinStandardHelpOptions = true, description = "List, show, annotate and close incidents.",
        subcommands = {IncidentCommand.ListIncidents.class, IncidentCommand.Show.class, IncidentCommand.AddNote.class,
                IncidentCommand.SetStatus.class, IncidentCommand.Close.class, IncidentCommand.Report.class})
final class IncidentCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static String path(long id, String rest) {
        return "/api/v1/incidents/" + id + rest;
    }

    static String body(Map<String, String> fields) throws Exception {
        return JSON.writeValueAsString(fields);
    }

    static void printSummary(JsonNode i) {
        System.out.printf("#%-5d %-13s %-10s alerts %-3d processes %-4d %s%n", i.path("id").asLong(), i.path("status").asText(),
                i.path("assignee").asText("-"), i.path("alerts").size(), i.path("processes").size(), i.path("title").asText());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Incidents, newest first.")
    static final class ListIncidents implements Callable<Integer> {
        @Option(names = "--status", paramLabel = "S", description = "new, investigating, contained or closed")
        String status;

        @Option(names = "--limit", defaultValue = "50", description = "how many (default ${DEFAULT-VALUE})")
        int limit;

        @Option(names = "--json", description = "print one JSON incident per line")
        boolean json;

        @Mixin
        ServerAddress server;

        @Override
        public Integer call() {
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("status", status);
            parameters.put("limit", Integer.toString(limit));
            return RulesCommand.call("incident list", () -> {
                JsonNode incidents = new ApiClient(server.url()).get("/api/v1/incidents", parameters).path("incidents");
                for (JsonNode i : incidents) {
                    if (json) System.out.println(i);
                    else printSummary(i);
                }
                if (!json) System.err.printf("%d incidents%n", incidents.size());
                return 0;
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One incident: alerts, notes, actions and its timeline.")
    static final class Show implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ID")
        long id;

        @Option(names = "--json", description = "print the raw JSON")
        boolean json;

        @Mixin
        ServerAddress server;

        @Override
        public Integer call() {
            return RulesCommand.call("incident show", () -> {
                ApiClient api = new ApiClient(server.url());
                JsonNode i = api.get(path(id, ""), Map.of());
                JsonNode timeline = api.get(path(id, "/timeline"), Map.of()).path("timeline");
                if (json) {
                    System.out.println(i.toPrettyString());
                    System.out.println(timeline.toPrettyString());
                    return 0;
                }
                printSummary(i);
                for (JsonNode a : i.path("alerts")) {
                    System.out.printf("  alert %s %s on %s (process %s) at %s%n", a.path("id").asText(), a.path("rule_id").asText(),
                            a.path("host_name").asText(), a.path("process_entity_id").asText(), a.path("time").asText());
                }
                for (JsonNode n : i.path("notes")) {
                    System.out.printf("  note %s %s: %s%n", n.path("created").asText(), n.path("author").asText("-"), n.path("text").asText());
                }
                for (JsonNode a : i.path("actions")) {
                    System.out.printf("  action %s %s %s -> %s%n", a.path("time").asText(), a.path("action").asText(), a.path("target").asText(""),
                            a.path("outcome").asText(""));
                }
                System.out.println("  timeline:");
                for (JsonNode t : timeline) {
                    System.out.printf("    %s  %-12s %-12s %s%n", t.path("time").asText(), t.path("host_name").asText(), t.path("process").asText(""),
                            t.path("summary").asText());
                }
                return 0;
            });
        }
    }

    @Command(name = "note", mixinStandardHelpOptions = true, description = "Add a note to an incident.")
    static final class AddNote implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ID")
        long id;

        @Parameters(index = "1", paramLabel = "TEXT")
        String text;

        @Option(names = "--author", paramLabel = "NAME", description = "who writes it (default: $USER)")
        String author;

        @Mixin
        ServerAddress server;

        @Override
        public Integer call() {
            return RulesCommand.call("incident note", () -> {
                String who = author != null ? author : System.getProperty("user.name");
                new ApiClient(server.url()).post(path(id, "/notes"), Map.of(), body(Map.of("author", who, "text", text)), "application/json");
                System.out.println("note added to incident " + id);
                return 0;
            });
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Set status (new, investigating, contained) and/or assignee.")
    static final class SetStatus implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ID")
        long id;

        @Parameters(index = "1", paramLabel = "STATUS", arity = "0..1", description = "new, investigating or contained (close with 'incident close')")
        String status;

        @Option(names = "--assignee", paramLabel = "NAME", description = "assign the incident")
        String assignee;

        @Mixin
        ServerAddress server;

        @Override
        public Integer call() {
            return RulesCommand.call("incident status", () -> {
                ApiClient api = new ApiClient(server.url());
                if (status == null && assignee == null) throw new IllegalArgumentException("give a status, --assignee, or both");
                JsonNode i = null;
                if (status != null) i = api.post(path(id, "/status"), Map.of(), body(Map.of("status", status)), "application/json");
                if (assignee != null) i = api.post(path(id, "/assignee"), Map.of(), body(Map.of("assignee", assignee)), "application/json");
                printSummary(i);
                return 0;
            });
        }
    }

    @Command(name = "close", mixinStandardHelpOptions = true, description = "Close an incident with its root cause and scope; prints the closure report.")
    static final class Close implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ID")
        long id;

        @Option(names = "--root-cause", required = true, paramLabel = "TEXT", description = "how the intrusion started")
        String rootCause;

        @Option(names = "--scope", required = true, paramLabel = "TEXT", description = "which endpoints were affected and checked")
        String scope;

        @Option(names = "--html", paramLabel = "FILE", description = "also write the printable HTML report here")
        Path html;

        @Mixin
        ServerAddress server;

        @Override
        public Integer call() {
            return RulesCommand.call("incident close", () -> {
                ApiClient api = new ApiClient(server.url());
                JsonNode report = api.post(path(id, "/close"), Map.of(), body(Map.of("root_cause", rootCause, "scope", scope)), "application/json");
                Report.print(report);
                if (html != null) Report.writeHtml(api, id, html);
                return 0;
            });
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true, description = "The closure report (a draft until closed): text, --json or --html FILE.")
    static final class Report implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ID")
        long id;

        @Option(names = "--json", description = "print the report as JSON")
        boolean json;

        @Option(names = "--html", paramLabel = "FILE", description = "write the printable HTML report here")
        Path html;

        @Mixin
        ServerAddress server;

        @Override
        public Integer call() {
            return RulesCommand.call("incident report", () -> {
                ApiClient api = new ApiClient(server.url());
                if (html != null) {
                    writeHtml(api, id, html);
                    return 0;
                }
                JsonNode report = api.get(path(id, "/report"), Map.of());
                if (json) System.out.println(report.toPrettyString());
                else print(report);
                return 0;
            });
        }

        static void writeHtml(ApiClient api, long id, Path file) throws Exception {
            JsonNode wrapped = api.get(path(id, "/report"), Map.of("format", "html", "envelope", "json"));
            Files.writeString(file, wrapped.path("content").asText());
            System.err.println("wrote " + file);
        }

        static void print(JsonNode r) {
            System.out.printf("Incident %d: %s  [%s]%n%s%n", r.path("incident_id").asLong(), r.path("title").asText(), r.path("status").asText(),
                    r.path("summary").asText());
            System.out.println("Root cause: " + r.path("root_cause").asText("(not stated yet)"));
            for (JsonNode line : r.path("root_cause_chain")) System.out.println("  " + line.asText());
            System.out.println("Scope: " + r.path("scope").asText("(not stated yet)"));
            System.out.println("Affected endpoints: " + join(r.path("affected_endpoints")));
            System.out.println("Checked endpoints: " + join(r.path("checked_endpoints")));
            System.out.println("Indicators:");
            for (JsonNode i : r.path("indicators")) System.out.printf("  %-7s %s  (%s)%n", i.path("type").asText(), i.path("value").asText(), i.path("context").asText());
            System.out.println("Actions:");
            for (JsonNode a : r.path("actions")) System.out.printf("  %s %s %s -> %s%n", a.path("time").asText(), a.path("action").asText(), a.path("target").asText(""), a.path("outcome").asText(""));
            System.out.println("Open risks:");
            for (JsonNode risk : r.path("open_risks")) System.out.println("  - " + risk.asText());
            System.out.println("Timeline: " + r.path("timeline").size() + " events (incident show " + r.path("incident_id").asLong() + ")");
        }

        private static String join(JsonNode list) {
            java.util.List<String> out = new java.util.ArrayList<>();
            list.forEach(n -> out.add(n.asText()));
            return out.isEmpty() ? "-" : String.join(", ", out);
        }
    }
}
