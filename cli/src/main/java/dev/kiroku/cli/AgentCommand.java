package dev.kiroku.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.agent.AgentConfig;
import dev.kiroku.agent.uplink.FleetAgent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/** The agent: run it against a server (enrolling on first start), see its status, unenrol it. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the agent against a server: ./kiroku agent --server HOST:PORT --token TOKEN (the token only on first start).",
        subcommands = {AgentCommand.Status.class, AgentCommand.Unenroll.class, AgentRelease.class})
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--server", paramLabel = "HOST:PORT", description = "the server's fleet endpoint (default: the one the agent enrolled with)")
    String server;

    @Option(names = "--token", description = "enrolment token from ./kiroku token create (first start only)")
    String token;

    @Option(names = "--no-response", description = "do not take response commands (isolate, kill, quarantine, block, YARA scans)")
    boolean noResponse;

    @Option(names = "--data", paramLabel = "DIR", description = "the agent's data directory (default: var/agent)")
    Path data;

    @Option(names = "--host-name", description = "the endpoint's name (default: this machine's host name)")
    String hostName;

    @Option(names = "--watch", paramLabel = "PATH", split = ",",
            description = "record file changes only on the filesystems of these paths (default: every local writable filesystem)")
    java.util.List<Path> watch = java.util.List.of();

    @Option(names = "--scope", defaultValue = "host",
            description = "what this agent records: host, netns:NAME, netns:/proc/PID/ns/net or cgroup:/path (ADR 4; default ${DEFAULT-VALUE})")
    String scope;

    @Option(names = "--sensors", paramLabel = "NAME", split = ",",
            description = "run only these sensors: audit, proc_connector, fanotify, socket_inventory (default: all)")
    java.util.List<String> sensors = java.util.List.of();

    @Option(names = "--heartbeat", defaultValue = "10s", description = "how often inventory is reported and commands fetched (default ${DEFAULT-VALUE})")
    String heartbeat;

    @Option(names = "--release-secret-file", paramLabel = "FILE",
            description = "admin secret (first line of FILE, at least 12 characters) for ./kiroku agent release at this machine")
    Path releaseSecretFile;

    @Override
    public Integer call() throws Exception {
        Path dir = data != null ? data.toAbsolutePath() : Home.dataDirectory().resolve("agent");
        if (server == null && token == null && !FleetAgent.credentials(dir).enrolled()) {
            new picocli.CommandLine(this).usage(System.out);
            return 2;
        }
        if (releaseSecretFile != null) {
            try {
                AgentRelease.setSecret(dir, releaseSecretFile);
            } catch (IOException | IllegalArgumentException e) {
                System.err.println("kiroku agent: --release-secret-file " + releaseSecretFile + ": " + e.getMessage());
                return 1;
            }
        }
        FleetAgent agent;
        try {
            AgentConfig config = AgentConfig.defaults(dir, hostName != null ? hostName : Home.hostName()).withFileWatchPaths(watch)
                    .withScope(dev.kiroku.agent.scope.Scope.parse(scope));
            if (!sensors.isEmpty()) config = config.withSensors(chosenSensors(sensors));
            agent = FleetAgent.start(config, server, token, dev.kiroku.server.api.Durations.parse(heartbeat),
                    java.time.InstantSource.system(), !noResponse);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("kiroku agent: " + e.getMessage());
            return 1;
        }
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("kiroku agent: stopping…");
            agent.close();
            stopped.countDown();
        }, "kiroku-shutdown"));
        System.out.printf("Kiroku agent %s is recording this machine (pid %d), shipping to %s.%n", agent.agent().agentId(),
                ProcessHandle.current().pid(), FleetAgent.credentials(dir).server());
        for (var sensor : agent.agent().status().sensors()) {
            System.out.printf("  sensor %-15s %-8s %s%n", sensor.name(), sensor.state(),
                    sensor.state().equals("running") ? sensor.mode() : sensor.detail());
        }
        System.out.flush();
        stopped.await();
        return 0;
    }

    @Command(name = "unenroll", mixinStandardHelpOptions = true,
            description = "Forget this agent's enrolment (its key and certificate). Revoke it on the server with ./kiroku endpoints revoke ID.")
    static final class Unenroll implements Callable<Integer> {
        @Option(names = "--data", paramLabel = "DIR", description = "the agent's data directory (default: var/agent)")
        Path data;

        @Override
        public Integer call() throws IOException {
            Path dir = data != null ? data.toAbsolutePath() : Home.dataDirectory().resolve("agent");
            var credentials = FleetAgent.credentials(dir);
            if (!credentials.enrolled()) {
                System.err.println("kiroku agent unenroll: the agent in " + dir + " is not enrolled");
                return 1;
            }
            credentials.delete();
            System.out.println("unenrolled: the agent in " + dir + " no longer has credentials; revoke it on the server with "
                    + "./kiroku endpoints revoke <agent id>");
            return 0;
        }
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

    /** The sensors named on the command line; an unknown name is an error that lists the known ones. */
    static AgentConfig.Sensors chosenSensors(java.util.List<String> names) {
        java.util.Set<String> known = java.util.Set.of("audit", "proc_connector", "fanotify", "socket_inventory");
        for (String name : names) {
            if (!known.contains(name.trim())) {
                throw new IllegalArgumentException("--sensors: unknown sensor '" + name.trim() + "'; known: audit, proc_connector, fanotify, socket_inventory");
            }
        }
        java.util.Set<String> chosen = names.stream().map(String::trim).collect(java.util.stream.Collectors.toSet());
        return new AgentConfig.Sensors(chosen.contains("audit"), chosen.contains("proc_connector"), chosen.contains("fanotify"),
                chosen.contains("socket_inventory"));
    }
}
