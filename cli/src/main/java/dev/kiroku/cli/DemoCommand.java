package dev.kiroku.cli;

import dev.kiroku.agent.Agent;
import dev.kiroku.agent.AgentConfig;
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

/** The whole product in one process: server with its store, and a local agent recording this machine. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the server with its embedded store and a local agent recording this machine.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "data directory (default: var/ in the installation)")
    Path data;

    @Option(names = "--port", defaultValue = "" + ServerConfig.DEFAULT_PORT, description = "API port (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--retention", defaultValue = "30d", description = "how long events are kept (default ${DEFAULT-VALUE})")
    String retention;

    @Option(names = "--watch", paramLabel = "PATH", split = ",",
            description = "record file changes only on the filesystems of these paths (default: every local writable filesystem)")
    java.util.List<Path> watch = java.util.List.of();

    @Override
    public Integer call() throws Exception {
        Path root = data != null ? data.toAbsolutePath() : Home.dataDirectory();
        InstantSource clock = InstantSource.system();
        Duration keep = dev.kiroku.server.api.Durations.parse(retention);
        KirokuServer server = new KirokuServer(new ServerConfig(root.resolve("server"), "127.0.0.1", port, keep), clock).start();
        Agent agent = new Agent(AgentConfig.defaults(root.resolve("agent"), Home.hostName()).withFileWatchPaths(watch), clock);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("kiroku: stopping (agent first, then the server)…");
            agent.close();
            server.close();
            stopped.countDown();
        }, "kiroku-shutdown"));
        try {
            agent.start(server.ingest());
        } catch (Exception e) {
            System.err.println("kiroku: the agent could not start: " + e.getMessage());
        }
        server.registerLocalAgent(() -> EventCodec.mapper().convertValue(agent.status(), Map.class));
        printWelcome(server, agent, root);
        stopped.await();
        return 0;
    }

    private static void printWelcome(KirokuServer server, Agent agent, Path root) {
        System.out.printf("""
                Kiroku is recording this machine (agent %s, pid %d).
                  API:     %s/api/v1/health   (docs/api.md)
                  search:  ./kiroku search 'event.category:process' --last 15m
                  status:  ./kiroku agent status
                  data:    %s  (agent journal and event store)
                """, agent.agentId(), ProcessHandle.current().pid(), server.url(), root);
        for (var sensor : agent.status().sensors()) {
            System.out.printf("  sensor %-15s %-8s %s%n", sensor.name(), sensor.state(),
                    sensor.state().equals("running") ? sensor.mode() : sensor.detail());
        }
        System.out.printf("Stop with Ctrl-C, or: kill %d%n", ProcessHandle.current().pid());
    }
}
