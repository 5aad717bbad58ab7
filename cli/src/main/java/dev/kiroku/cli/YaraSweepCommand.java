package dev.kiroku.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiroku.yara.api.ScanOptions;
import dev.kiroku.yara.compile.RuleSetCompiler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Fleet-wide YARA sweeps on the server: start one, follow it per endpoint, list them. */
final class YaraSweepCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    private YaraSweepCommand() {
    }

    @Command(name = "sweep", mixinStandardHelpOptions = true,
            description = "Start a YARA sweep of files and/or process memory on endpoints of the fleet. With --wait, follow it "
                    + "per endpoint until every endpoint is done or failed; exit 1 when something matched.")
    static final class Start implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "RULES", description = "rule files or directories (.yar/.yara)")
        List<Path> rules;

        @Option(names = "--paths", arity = "1..*", paramLabel = "PATH", description = "absolute files or directories to scan on each endpoint")
        List<String> paths = new ArrayList<>();

        @Option(names = "--processes", arity = "1..*", paramLabel = "GLOB", description = "scan the memory of processes with these names ('*': all)")
        List<String> processes = new ArrayList<>();

        @Option(names = "--endpoints", arity = "1..*", paramLabel = "AGENT_ID", description = "only these endpoints")
        List<String> endpoints = new ArrayList<>();

        @Option(names = "--all", description = "every enrolled endpoint (the default when --endpoints is not given)")
        boolean all;

        @Option(names = "--include", paramLabel = "GLOB", description = "scan only files matching")
        List<String> include = new ArrayList<>();

        @Option(names = "--exclude", paramLabel = "GLOB", description = "leave out files and directories matching")
        List<String> exclude = new ArrayList<>();

        @Option(names = "--max-size", paramLabel = "BYTES", description = "skip larger files (default ${DEFAULT-VALUE})")
        long maxSize = ScanOptions.DEFAULT_MAX_FILE_SIZE;

        @Option(names = "--rate", paramLabel = "BYTES_PER_S", description = "I/O budget on each endpoint, 0 for none (default ${DEFAULT-VALUE})")
        long rate = 32L << 20;

        @Option(names = "--duty", paramLabel = "FRACTION", description = "CPU budget on each endpoint, (0,1] (default ${DEFAULT-VALUE})")
        double duty = 0.5;

        @Option(names = "--wait-hours", paramLabel = "HOURS", description = "how long offline endpoints may take to return (default ${DEFAULT-VALUE})")
        double waitHours = 168;

        @Option(names = "--wait", description = "follow the sweep until every endpoint is done or failed")
        boolean follow;

        @picocli.CommandLine.Mixin
        ServerAddress server;

        @Override
        public Integer call() {
            if (all && !endpoints.isEmpty()) {
                throw new CommandLine.ParameterException(new CommandLine(this), "give --all or --endpoints, not both");
            }
            return RulesCommand.call("yara sweep", () -> {
                ObjectNode body = JSON.createObjectNode();
                ArrayNode ruleArray = body.putArray("rules");
                for (Path file : RuleSetCompiler.ruleFiles(rules)) {
                    ruleArray.addObject().put("name", file.toString()).put("source", Files.readString(file));
                }
                paths.forEach(body.putArray("paths")::add);
                processes.forEach(body.putArray("processes")::add);
                endpoints.forEach(body.putArray("endpoints")::add);
                body.set("options", JSON.valueToTree(new ScanOptions(include, exclude, maxSize, ScanOptions.DEFAULT_TIMEOUT_SECONDS,
                        rate, duty, ScanOptions.DEFAULT_REGION_CHUNK)));
                body.put("wait_hours", waitHours);
                ApiClient api = new ApiClient(server.url());
                JsonNode status = api.post("/api/v1/yara/sweeps", Map.of(), body.toString(), "application/json");
                String id = status.path("sweep").path("id").asText();
                System.out.printf("sweep %s started on %d endpoints%n", id, status.path("endpoints").size());
                if (!follow) return 0;
                String last = "";
                while (true) {
                    status = api.get("/api/v1/yara/sweeps/" + id, Map.of());
                    String table = table(status);
                    if (!table.equals(last)) System.out.print(table);
                    last = table;
                    JsonNode states = status.path("states");
                    if (states.path("pending").asInt() + states.path("running").asInt() == 0) break;
                    Thread.sleep(1000);
                }
                System.out.printf("%d matches; done %d, failed %d%n", status.path("matches").asInt(),
                        status.path("states").path("done").asInt(), status.path("states").path("failed").asInt());
                return status.path("matches").asInt() > 0 ? 1 : 0;
            });
        }
    }

    @Command(name = "sweeps", mixinStandardHelpOptions = true, description = "List YARA sweeps, or show one per endpoint.")
    static final class Show implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "ID", description = "a sweep to show per endpoint")
        String id;

        @Option(names = "--json", description = "print the server's JSON")
        boolean json;

        @picocli.CommandLine.Mixin
        ServerAddress server;

        @Override
        public Integer call() {
            return RulesCommand.call("yara sweeps", () -> {
                ApiClient api = new ApiClient(server.url());
                if (id != null) {
                    JsonNode status = api.get("/api/v1/yara/sweeps/" + id, Map.of());
                    System.out.print(json ? status + "\n" : table(status));
                    return 0;
                }
                for (JsonNode sweep : api.get("/api/v1/yara/sweeps", Map.of()).path("sweeps")) {
                    if (json) System.out.println(sweep);
                    else System.out.printf("%s  %s  by %s  rules %s  paths %s  processes %s%n", sweep.path("id").asText(),
                            sweep.path("created").asText(), sweep.path("createdBy").asText(), sweep.path("rules"),
                            sweep.path("paths"), sweep.path("processNames"));
                }
                return 0;
            });
        }
    }

    /** One line per endpoint: host, state and percent, files, bytes, matches, detail. */
    static String table(JsonNode status) {
        StringBuilder out = new StringBuilder();
        for (JsonNode e : status.path("endpoints")) {
            String state = e.path("state").asText();
            out.append(String.format("  %-24s %-8s %3d%%  files %-6d processes %-4d bytes %-12d matches %-4d %s%n",
                    e.path("hostName").asText(), state, e.path("percent").asInt(), e.path("filesScanned").asLong(),
                    e.path("processesScanned").asLong(), e.path("bytesScanned").asLong(), e.path("matches").asInt(),
                    e.path("detail").asText()));
        }
        return out.toString();
    }
}
