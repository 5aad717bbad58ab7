package dev.kiroku.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/** The local agent. */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "The local agent.",
        subcommands = AgentCommand.Status.class)
final class AgentCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Sensors and their modes, loss counters, journal and shipping of the local agent.")
    static final class Status implements Callable<Integer> {
        @Option(names = "--data", paramLabel = "DIR", description = "the agent's data directory (default: var/agent, or var/demo/agent)")
        Path data;

        @Option(names = "--json", description = "print the status as JSON")
        boolean json;

        @Override
        public Integer call() throws IOException {
            Path file = statusFile();
            if (file == null) {
                System.err.println("kiroku agent status: no agent status found under " + Home.dataDirectory()
                        + " (is an agent or ./kiroku demo running? pass --data DIR)");
                return 1;
            }
            JsonNode status = new ObjectMapper().readTree(Files.readAllBytes(file));
            if (json) {
                System.out.println(status.toPrettyString());
                return 0;
            }
            Instant updated = Instant.parse(status.path("updatedAt").asText());
            Duration age = Duration.between(updated, Instant.now());
            System.out.printf("agent %s on %s, started %s%n", status.path("agentId").asText(), status.path("hostName").asText(),
                    status.path("startedAt").asText());
            System.out.printf("status updated %s (%ds ago%s)%n", updated, age.toSeconds(), age.toSeconds() > 10 ? ", agent not running?" : "");
            System.out.printf("events recorded %d, queue %d, processes known %d%n", status.path("eventsRecorded").asLong(),
                    status.path("queueDepth").asLong(), status.path("processesKnown").asLong());
            System.out.println("sensors:");
            for (JsonNode sensor : status.path("sensors")) {
                System.out.printf("  %-15s %-8s %-30s %s%n", sensor.path("name").asText(), sensor.path("state").asText(),
                        sensor.path("mode").asText(), sensor.path("detail").asText());
            }
            System.out.println("losses (total since start):");
            status.path("losses").properties().forEach(e -> System.out.printf("  %-16s %d%n", e.getKey(), e.getValue().asLong()));
            JsonNode journal = status.path("journal");
            System.out.printf("journal: %s, %d segments, %d bytes, sequence %d..%d, acknowledged %d%s%n",
                    journal.path("state").asText(), journal.path("segments").asInt(), journal.path("bytes").asLong(),
                    journal.path("firstSequence").asLong(), journal.path("lastSequence").asLong(),
                    journal.path("acknowledgedSequence").asLong(),
                    journal.path("lastError").asText().isEmpty() ? "" : " — " + journal.path("lastError").asText());
            JsonNode shipping = status.path("shipping");
            System.out.printf("shipping: %d events shipped, %d failed attempts%s%n", shipping.path("shipped").asLong(),
                    shipping.path("failures").asLong(),
                    shipping.path("lastError").asText().isEmpty() ? "" : " — last error: " + shipping.path("lastError").asText());
            return 0;
        }

        private Path statusFile() {
            if (data != null) return Files.exists(data.resolve("status.json")) ? data.resolve("status.json") : null;
            for (Path candidate : new Path[]{Home.dataDirectory().resolve("agent/status.json")}) {
                if (Files.exists(candidate)) return candidate;
            }
            return null;
        }
    }
}
