package dev.kiroku.cli;

import dev.kiroku.indicators.lint.IocLint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Indicator-of-compromise tools (OpenIOC, STIX 2.1, plain and signature-base lists). */
@Command(name = "ioc", mixinStandardHelpOptions = true, description = "Indicator-of-compromise tools.",
        subcommands = {IocCommand.Lint.class, IocCommand.Import.class, IocCommand.ListCommand.class, IocCommand.Remove.class,
                IocCommand.Hunt.class})
final class IocCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "lint", mixinStandardHelpOptions = true,
            description = "Read indicator files (OpenIOC, STIX 2.1 JSON, lists) and report, per file, whether it parsed, "
                    + "how many indicators it holds and which terms Kiroku cannot evaluate.")
    static final class Lint implements Callable<Integer> {
        @Option(names = "--json", description = "one JSON object per file")
        boolean json;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "indicator files or directories")
        List<Path> paths;

        @Override
        public Integer call() {
            return IocLint.run(paths, json, System.out);
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import indicator files into the running server; each import hunts back through the retention window.")
    static final class Import implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE", description = "OpenIOC, STIX 2.1 bundles or indicator lists")
        List<Path> files;

        @Option(names = "--action", paramLabel = "log|alert|block",
                description = "set every indicator's action; block puts hashes, addresses and domains on the fleet's block list")
        String action;

        @Option(names = "--expires", paramLabel = "DURATION", description = "set every indicator's expiry (24h, 7d, or an ISO-8601 instant)")
        String expires;

        @picocli.CommandLine.Mixin
        ServerAddress server;

        @Override
        public Integer call() {
            return RulesCommand.call("ioc import", () -> {
                ApiClient api = new ApiClient(server.url());
                int refused = 0;
                for (Path file : files) {
                    String content = java.nio.file.Files.readString(file);
                    try {
                        java.util.Map<String, String> query = new java.util.LinkedHashMap<>();
                        query.put("name", file.getFileName().toString());
                        if (action != null) query.put("action", action);
                        if (expires != null) query.put("expires", expires);
                        var r = api.post("/api/v1/indicators", query, content, "text/plain");
                        System.out.printf("%s: %d indicators stored, %d evaluable%s%n", file, r.path("stored").asInt(), r.path("evaluable").asInt(),
                                r.path("not_evaluable").size() > 0 ? ", " + r.path("not_evaluable").size() + " not evaluable" : "");
                        for (var problem : r.path("problems")) System.out.println("  " + problem.asText());
                        long blocked = 0;
                        for (var b : r.path("blocks")) {
                            if (b.path("blocked").asBoolean()) blocked++;
                            else System.out.println("  not blocked: " + b.path("value").asText() + ": " + b.path("reason").asText());
                        }
                        if (blocked > 0) System.out.printf("  %d blocked on every endpoint%n", blocked);
                    } catch (ApiClient.ApiException e) {
                        refused++;
                        System.err.println(file + ": refused: " + e.getMessage());
                    }
                }
                return refused == 0 ? 0 : 1;
            });
        }
    }

    @Command(name = "hunt", mixinStandardHelpOptions = true,
            description = "Hunt indicators over the recorded history (the retention window); hits also become retrospective alerts.")
    static final class Hunt implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "ID", description = "one indicator (default: every indicator, or those of --source)")
        String id;

        @Option(names = "--source", paramLabel = "FILE", description = "only the indicators imported from this file name")
        String source;

        @Option(names = "--limit", defaultValue = "100", description = "hits to show, newest first (default ${DEFAULT-VALUE})")
        int limit;

        @Option(names = "--json", description = "print the server's answer as one JSON object")
        boolean json;

        @picocli.CommandLine.Mixin
        ServerAddress server;

        @Override
        public Integer call() {
            return RulesCommand.call("ioc hunt", () -> {
                java.util.Map<String, String> query = new java.util.LinkedHashMap<>();
                if (source != null) query.put("source", source);
                if (id != null) query.put("id", id);
                query.put("limit", Integer.toString(limit));
                var r = new ApiClient(server.url()).post("/api/v1/indicators/hunt", query, "", "text/plain");
                if (json) {
                    System.out.println(r);
                    return 0;
                }
                System.out.printf("%d hits, %d events examined in %d ms%s%n", r.path("hits").asInt(), r.path("events_examined").asLong(),
                        r.path("took_ms").asLong(), r.path("truncated").asBoolean() ? " (stopped at the event limit)" : "");
                for (var hit : r.path("results")) {
                    var e = hit.path("event");
                    System.out.printf("%s  %-20s %-22s %-40s %s  %s%n", e.path("@timestamp").asText(), e.path("host.name").asText(),
                            e.path("event.action").asText(), e.path("file.path").asText(e.path("process.executable").asText()),
                            e.path("process.entity_id").asText(), hit.path("indicator").path("type").asText() + " "
                                    + hit.path("indicator").path("value").asText(hit.path("indicator").path("description").asText()));
                }
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the server's indicators.")
    static final class ListCommand implements Callable<Integer> {
        @Option(names = "--source", paramLabel = "FILE", description = "only those imported from this file name")
        String source;

        @Option(names = "--json", description = "one JSON indicator per line")
        boolean json;

        @picocli.CommandLine.Mixin
        ServerAddress server;

        @Override
        public Integer call() {
            return RulesCommand.call("ioc list", () -> {
                java.util.Map<String, String> parameters = new java.util.HashMap<>();
                if (source != null) parameters.put("source", source);
                for (var i : new ApiClient(server.url()).get("/api/v1/indicators", parameters).path("indicators")) {
                    if (json) System.out.println(i);
                    else System.out.printf("%-40s %-10s %-8s %s%s%n", i.path("id").asText(), i.path("type").asText(), i.path("action").asText(),
                            i.path("value").asText(i.path("description").asText()), i.path("evaluable").asBoolean() ? "" : "  (not evaluable)");
                }
                return 0;
            });
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an indicator by id, or every indicator of a source.")
    static final class Remove implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "ID", description = "the indicator id")
        String id;

        @Option(names = "--source", paramLabel = "FILE", description = "remove every indicator imported from this file name")
        String source;

        @picocli.CommandLine.Mixin
        ServerAddress server;

        @Override
        public Integer call() {
            if ((id == null) == (source == null)) {
                System.err.println("kiroku ioc remove: give either an indicator ID or --source FILE");
                return 2;
            }
            return RulesCommand.call("ioc remove", () -> {
                ApiClient api = new ApiClient(server.url());
                var r = id != null ? api.delete("/api/v1/indicators/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8))
                        : api.delete("/api/v1/indicators?source=" + java.net.URLEncoder.encode(source, java.nio.charset.StandardCharsets.UTF_8));
                System.out.println("removed " + r.path("removed").asText());
                return 0;
            });
        }
    }
}
