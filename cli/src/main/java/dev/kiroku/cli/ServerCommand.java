package dev.kiroku.cli;

import dev.kiroku.server.KirokuServer;
import dev.kiroku.server.ServerConfig;
import dev.kiroku.server.api.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The server alone: store, detection, fleet endpoint for agents, REST API. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the server: event store, detection, the fleet endpoint agents connect to, and the REST API.")
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "data directory (default: var/server in the installation)")
    Path data;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface)")
    String host;

    @Option(names = "--port", defaultValue = "" + ServerConfig.DEFAULT_PORT, description = "REST API port (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--fleet-port", defaultValue = "" + ServerConfig.DEFAULT_FLEET_PORT, description = "port agents connect to (gRPC, mutual TLS; default ${DEFAULT-VALUE})")
    int fleetPort;

    @Option(names = "--retention", defaultValue = "30d", description = "how long events are kept (default ${DEFAULT-VALUE})")
    String retention;

    @Option(names = "--offline-after", defaultValue = "60s", description = "an endpoint silent this long is shown offline (default ${DEFAULT-VALUE})")
    String offlineAfter;

    @Option(names = "--plain-http", description = "serve the API and console over plain HTTP instead of HTTPS (loopback addresses only)")
    boolean plainHttp;

    @Override
    public Integer call() throws Exception {
        Path root = data != null ? data.toAbsolutePath() : Home.dataDirectory().resolve("server");
        ServerConfig config = new ServerConfig(root, host, port, Durations.parse(retention), fleetPort, Durations.parse(offlineAfter), plainHttp);
        KirokuServer server = new KirokuServer(config, InstantSource.system()).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("kiroku: stopping the server…");
            server.close();
            stopped.countDown();
        }, "kiroku-shutdown"));
        System.out.printf("""
                Kiroku server is running (pid %d).
                  API:    %s/api/v1/health   (docs/api.md; HTTP Basic, users with roles)
                  HTTPS:  signed by the server's CA %s (curl --cacert FILE; import it in browsers)
                  fleet:  %s:%d   (agents: ./kiroku agent --server HOST:%d --token TOKEN)
                  CA:     sha256 %s
                  token:  ./kiroku token create --expires 24h
                  data:   %s
                """, ProcessHandle.current().pid(), server.url(), server.caCertificate(), host, server.fleet().port(), server.fleet().port(),
                server.fleet().caFingerprint(), root);
        System.out.flush();
        stopped.await();
        return 0;
    }
}
