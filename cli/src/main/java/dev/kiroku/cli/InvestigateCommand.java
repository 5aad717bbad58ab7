package dev.kiroku.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** From one clue to who touched it, how it got there, who else has it and what it did (docs/investigation.md). */
@Command(name = "investigate", mixinStandardHelpOptions = true,
        description = "Investigate a clue: ip, domain, hash, file or alert. Prints the four answers as a readable report, "
                + "or the raw result with --json.")
final class InvestigateCommand implements Callable<Integer> {
    enum Kind { ip, domain, hash, file, alert }

    @Parameters(index = "0", paramLabel = "KIND", description = "ip, domain, hash, file (a name or an absolute path) or alert (an alert id)")
    Kind kind;

    @Parameters(index = "1", paramLabel = "VALUE", description = "the clue: 203.0.113.5, evil.example.com, a SHA-256, payload.sh, 42")
    String value;

    @Option(names = "--port", paramLabel = "P", description = "with ip: only connections to this port")
    Integer port;

    @Option(names = "--from", paramLabel = "ISO", description = "earliest time (ISO-8601); default: the whole retention window")
    String from;

    @Option(names = "--to", paramLabel = "ISO", description = "latest time (ISO-8601)")
    String to;

    @Option(names = "--json", description = "print the raw JSON result")
    boolean json;

    @Mixin
    ServerAddress server;

    @Override
    public Integer call() {
        String path = switch (kind) {
            case ip, domain, hash, alert -> "/api/v1/investigate/" + kind + "/" + RulesCommand.PathSegment.encode(value);
            case file -> "/api/v1/investigate/file";
        };
        Map<String, String> parameters = new LinkedHashMap<>();
        if (kind == Kind.file) parameters.put("name", value);
        if (port != null) parameters.put("port", port.toString());
        parameters.put("from", from);
        parameters.put("to", to);
        if (!json) {
            parameters.put("format", "text");
            parameters.put("envelope", "json");
        }
        return RulesCommand.call("investigate " + kind, () -> {
            JsonNode reply = new ApiClient(server.url()).get(path, parameters);
            System.out.println(json ? reply.toPrettyString() : reply.path("content").asText());
            return 0;
        });
    }
}
