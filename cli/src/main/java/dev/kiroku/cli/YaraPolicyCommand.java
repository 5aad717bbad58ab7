package dev.kiroku.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiroku.yara.compile.RuleSetCompiler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code yara policy}: pushes an agent policy ({@code policy.apply}) whose {@code yara.*} parameters make the endpoints scan
 * newly written executables and files before execution with the given rules (docs/yara.md, "Scans by policy").
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Push an agent policy that scans newly written files and/or files before execution with YARA rules. "
                + "A policy replaces the endpoint's whole policy: give its other settings with -p (sensors.muted=…). "
                + "Without --rules, YARA policy scans are switched off.")
final class YaraPolicyCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ServerAddress server;

    @Option(names = "--target", defaultValue = "all", description = "agent:ID, group:NAME or all (default ${DEFAULT-VALUE})")
    String target;

    @Option(names = "--version", required = true, paramLabel = "N", description = "the policy's version: higher than the running one")
    long version;

    @Option(names = "--rules", arity = "1..*", paramLabel = "PATH", description = "rule files or directories (.yar/.yara)")
    List<Path> rules = new ArrayList<>();

    @Option(names = "--on-write", arity = "1..*", paramLabel = "PATH|GLOB",
            description = "scan files written under these absolute paths or globs (/tmp, /home/**)")
    List<String> onWrite = new ArrayList<>();

    @Option(names = "--all-files", description = "on write, scan every file, not only executables (mode +x, ELF or #! content)")
    boolean allFiles;

    @Option(names = "--before-exec", defaultValue = "off", paramLabel = "off|alert|block",
            description = "scan files before they run: alert on a match, or refuse the execution (default ${DEFAULT-VALUE})")
    String beforeExec;

    @Option(names = "--max-size", paramLabel = "BYTES", description = "larger files are not scanned (default 32 MiB)")
    Long maxSize;

    @Option(names = "--rate", paramLabel = "BYTES_PER_S", description = "I/O budget of the background scans (default 16 MiB/s)")
    Long rate;

    @Option(names = "--duty", paramLabel = "FRACTION", description = "CPU budget of the background scans, (0,1] (default 0.25)")
    Double duty;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "another policy parameter (repeatable)")
    Map<String, String> extra = new LinkedHashMap<>();

    @Option(names = "--expires", defaultValue = "24h", description = "drop the policy if not delivered within (default ${DEFAULT-VALUE})")
    String expires;

    @Option(names = "--wait", description = "wait until every endpoint answered and print the answers; exit 1 when one refused")
    boolean follow;

    @Override
    public Integer call() {
        return RulesCommand.call("yara policy", () -> {
            ObjectNode body = JSON.createObjectNode().put("target", target).put("type", "policy.apply").put("expires", expires);
            ObjectNode parameters = body.putObject("parameters");
            extra.forEach(parameters::put);
            parameters.put("version", Long.toString(version));
            if (!rules.isEmpty()) {
                ArrayNode sources = JSON.createArrayNode();
                for (Path file : RuleSetCompiler.ruleFiles(rules)) {
                    sources.addObject().put("name", file.toString()).put("source", Files.readString(file));
                }
                parameters.put("yara.rules", sources.toString());
                if (!onWrite.isEmpty()) parameters.put("yara.scan_on_write", String.join(",", onWrite));
                parameters.put("yara.scan_on_write.files", allFiles ? "all" : "executables");
                parameters.put("yara.scan_before_exec", beforeExec);
                if (maxSize != null) parameters.put("yara.max_size", maxSize.toString());
                if (rate != null) parameters.put("yara.rate", rate.toString());
                if (duty != null) parameters.put("yara.duty", duty.toString());
            }
            ApiClient api = new ApiClient(server.url());
            JsonNode issued = api.post("/api/v1/commands", Map.of(), body.toString(), "application/json");
            String id = issued.path("id").asText();
            System.out.printf("policy %d sent to %d endpoint(s) as command %s%n", version, issued.path("agents").size(), id);
            if (!follow) return 0;
            boolean failed = false;
            for (JsonNode delivery : waitForAnswers(api, id)) {
                failed |= "failed".equals(delivery.path("state").asText());
                System.out.printf("%s  %s  %s%n", delivery.path("agentId").asText(), delivery.path("state").asText(),
                        delivery.path("output").asText(""));
            }
            return failed ? 1 : 0;
        });
    }

    private static List<JsonNode> waitForAnswers(ApiClient api, String id) throws Exception {
        while (true) {
            List<JsonNode> deliveries = new ArrayList<>();
            api.get("/api/v1/commands/" + RulesCommand.PathSegment.encode(id), Map.of()).path("deliveries").forEach(deliveries::add);
            boolean open = deliveries.stream().map(d -> d.path("state").asText()).anyMatch(s -> s.equals("pending") || s.equals("delivered"));
            if (!open) return deliveries;
            Thread.sleep(1000);
        }
    }
}
