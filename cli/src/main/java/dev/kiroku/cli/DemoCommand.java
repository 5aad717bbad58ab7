package dev.kiroku.cli;

import dev.kiroku.agent.Agent;
import dev.kiroku.agent.AgentConfig;
import dev.kiroku.agent.uplink.FleetAgent;
import dev.kiroku.fleet.pki.Keys;
import dev.kiroku.fleet.pki.Pem;
import dev.kiroku.event.EventCodec;
import dev.kiroku.server.KirokuServer;
import dev.kiroku.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The whole product in one process: the server with its store, and a local agent recording this machine that
 * ships to the server over gRPC with mutual TLS on loopback, enrolled automatically.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the server with its embedded store and a local agent recording this machine.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--no-response", description = "do not take response commands (isolate, kill, quarantine, block, YARA scans)")
    boolean noResponse;

    @Option(names = "--data", paramLabel = "DIR", description = "data directory (default: var/ in the installation)")
    Path data;

    @Option(names = "--port", defaultValue = "" + ServerConfig.DEFAULT_PORT, description = "API port (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--fleet-port", defaultValue = "0",
            description = "port agents connect to (gRPC, mutual TLS; default: a free port, printed at start)")
    int fleetPort;

    @Option(names = "--retention", defaultValue = "30d", description = "how long events are kept (default ${DEFAULT-VALUE})")
    String retention;

    @Option(names = "--plain-http", description = "serve the API and console over plain HTTP instead of HTTPS (loopback development only)")
    boolean plainHttp;

    @Option(names = "--watch", paramLabel = "PATH", split = ",",
            description = "record file changes only on the filesystems of these paths (default: every local writable filesystem)")
    java.util.List<Path> watch = java.util.List.of();

    @Override
    public Integer call() throws Exception {
        Path root = data != null ? data.toAbsolutePath() : Home.dataDirectory();
        InstantSource clock = InstantSource.system();
        Duration keep = dev.kiroku.server.api.Durations.parse(retention);
        KirokuServer server = new KirokuServer(new ServerConfig(root.resolve("server"), "127.0.0.1", port, keep, fleetPort,
                Duration.ofSeconds(60), plainHttp), clock).start();
        AgentConfig config = AgentConfig.defaults(root.resolve("agent"), Home.hostName()).withFileWatchPaths(watch);
        AtomicReference<FleetAgent> agent = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("kiroku: stopping (agent first, then the server)…");
            if (agent.get() != null) agent.get().close();
            server.close();
            stopped.countDown();
        }, "kiroku-shutdown"));
        try {
            agent.set(FleetAgent.start(config, "127.0.0.1:" + server.fleet().port(), tokenIfNeeded(server, config.dataDirectory()),
                    Duration.ofSeconds(10), clock, !noResponse));
            server.registerLocalAgent(() -> EventCodec.mapper().convertValue(agent.get().agent().status(), Map.class));
        } catch (Exception e) {
            System.err.println("kiroku: the agent could not start: " + e.getMessage());
        }
        printWelcome(server, agent.get() == null ? null : agent.get().agent(), root);
        stopped.await();
        return 0;
    }

    /**
     * The local agent talks to the server over gRPC on loopback like any other agent: it enrols with a
     * short-lived token the first time, and again if the server's CA changed (its data was deleted).
     */
    private static String tokenIfNeeded(KirokuServer server, Path agentData) throws java.io.IOException {
        var credentials = FleetAgent.credentials(agentData);
        if (credentials.enrolled() && Keys.fingerprint(Pem.readCertificate(credentials.caCertificate()))
                .equals(server.fleet().caFingerprint())) {
            return null;
        }
        credentials.delete();
        return server.fleet().createToken(Duration.ofMinutes(10), "demo", "demo");
    }

    private static void printWelcome(KirokuServer server, Agent agent, Path root) {
        if (agent == null) {
            System.out.printf("Kiroku server at %s/console/ (credentials in %s; HTTPS CA %s) without a local agent; stop with Ctrl-C.%n",
                    server.url(), server.credentialsFile(), server.caCertificate());
            return;
        }
        System.out.printf("""
                Kiroku is recording this machine (agent %s, pid %d).
                  console: %s/console/   (user and password: %s)
                  API:     %s/api/v1/health   (docs/api.md)
                  HTTPS:   the certificate is signed by the server's CA %s
                           (import it in the browser, or: curl --cacert %s ...)
                  search:  ./kiroku search 'event.category:process' --last 15m
                  status:  ./kiroku agent status, ./kiroku endpoints
                  fleet:   127.0.0.1:%d (gRPC, mutual TLS); other agents: ./kiroku token create
                  data:    %s  (agent journal and event store)
                """, agent.agentId(), ProcessHandle.current().pid(), server.url(), server.credentialsFile(), server.url(),
                server.caCertificate(), server.caCertificate(), server.fleet().port(), root);
        for (var sensor : agent.status().sensors()) {
            System.out.printf("  sensor %-15s %-8s %s%n", sensor.name(), sensor.state(),
                    sensor.state().equals("running") ? sensor.mode() : sensor.detail());
        }
        System.out.printf("Stop with Ctrl-C, or: kill %d%n", ProcessHandle.current().pid());
    }
}
