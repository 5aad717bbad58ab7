package dev.kiroku.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** The detection rules of a running server. */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "Detection rules of a running server (docs/detection.md).",
        subcommands = {RulesCommand.List.class, RulesCommand.Enable.class, RulesCommand.Disable.class,
                RulesCommand.Add.class, RulesCommand.Reload.class})
final class RulesCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Runs a call against the server and turns API errors into exit codes (2 for a refused request). */
    static int call(String command, Callable<Integer> body) {
        try {
            return body.call();
        } catch (ApiClient.ApiException e) {
            System.err.println("kiroku " + command + ": " + e.getMessage());
            return e.status >= 400 && e.status < 500 ? 2 : 1;
        } catch (Exception e) {
            System.err.println("kiroku " + command + ": " + e.getMessage());
            return 1;
        }
    }

    /** Enables or disables a rule on the server ({@code verb} is "enable" or "disable"). */
    private static int switchRule(ServerAddress server, String id, String verb) {
        return call("rules " + verb, () -> {
            new ApiClient(server.url()).post("/api/v1/rules/" + PathSegment.encode(id) + "/" + verb, Map.of(), null, null);
            System.out.println(verb + "d " + id);
            return 0;
        });
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List loaded rules with level, source and state.")
    static final class List implements Callable<Integer> {
        @Option(names = "--json", description = "print one JSON rule per line")
        boolean json;

        @Mixin
        ServerAddress server;

        @Override
        public Integer call() {
            return RulesCommand.call("rules list", () -> {
                JsonNode body = new ApiClient(server.url()).get("/api/v1/rules", Map.of());
                for (JsonNode r : body.path("rules")) {
                    if (json) {
                        System.out.println(r);
                    } else {
                        System.out.printf("%-36s  %-8s  %-11s  %-7s  %-8s  %s%n", r.path("id").asText(), r.path("level").asText(),
                                r.path("kind").asText(), r.path("source").asText(),
                                r.path("enabled").asBoolean() ? "enabled" : "DISABLED", r.path("title").asText());
                    }
                }
                for (JsonNode p : body.path("problems")) {
                    System.err.printf("not loaded: %s:%d: %s%n", p.path("file").asText(), p.path("line").asInt(), p.path("reason").asText());
                }
                if (!json) System.err.printf("%d rules%n", body.path("rules").size());
                return 0;
            });
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a rule (persisted).")
    static final class Enable implements Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "the rule id")
        String id;

        @Mixin
        ServerAddress server;

        @Override
        public Integer call() {
            return switchRule(server, id, "enable");
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable a rule (persisted): it raises no alerts.")
    static final class Disable implements Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "the rule id")
        String id;

        @Mixin
        ServerAddress server;

        @Override
        public Integer call() {
            return switchRule(server, id, "disable");
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a Sigma rule file to the server's user rules; refused with file, line and reason if it does not load.")
    static final class Add implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "a .yml Sigma rule file")
        Path file;

        @Mixin
        ServerAddress server;

        @Override
        public Integer call() {
            return RulesCommand.call("rules add", () -> {
                String yaml;
                try {
                    yaml = Files.readString(file, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    System.err.println("kiroku rules add: cannot read " + file + ": " + e.getMessage());
                    return 2;
                }
                JsonNode body = new ApiClient(server.url()).post("/api/v1/rules", Map.of("name", file.getFileName().toString()),
                        yaml, "application/yaml");
                for (JsonNode id : body.path("rules")) System.out.println("added " + id.asText());
                return 0;
            });
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true, description = "Reload the built-in and user rules without restarting.")
    static final class Reload implements Callable<Integer> {
        @Mixin
        ServerAddress server;

        @Override
        public Integer call() {
            return RulesCommand.call("rules reload", () -> {
                JsonNode body = new ApiClient(server.url()).post("/api/v1/rules/reload", Map.of(), null, null);
                for (JsonNode p : body.path("problems")) {
                    System.err.printf("not loaded: %s:%d: %s%n", p.path("file").asText(), p.path("line").asInt(), p.path("reason").asText());
                }
                System.out.printf("%d rules loaded, %d files refused%n", body.path("rules").asInt(), body.path("refused_files").asLong());
                return 0;
            });
        }
    }

    /** Rule ids in a URL path. */
    static final class PathSegment {
        private PathSegment() {
        }

        static String encode(String s) {
            return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
        }
    }
}
