package dev.kiroku.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the server runs.
 *
 * @param dataDirectory where the event store, state database, PKI and first admin credentials live
 * @param host          address the API and the fleet endpoint listen on
 * @param port          API port; 0 picks a free one
 * @param retention     how long events are kept (whole days are deleted); null keeps everything
 * @param fleetPort     gRPC port agents connect to; 0 picks a free one
 * @param offlineAfter  an endpoint silent for longer is shown offline
 * @param plainHttp     serve the API and console over plain HTTP instead of HTTPS (loopback addresses only)
 */
public record ServerConfig(Path dataDirectory, String host, int port, Duration retention, int fleetPort, Duration offlineAfter,
                           boolean plainHttp) {
    public ServerConfig {
        if (plainHttp && !isLoopback(host)) {
            throw new IllegalArgumentException("plain HTTP is for loopback development only; the server listens on " + host
                    + ", so it serves HTTPS (leave out --plain-http)");
        }
    }

    /** HTTPS API. */
    public ServerConfig(Path dataDirectory, String host, int port, Duration retention, int fleetPort, Duration offlineAfter) {
        this(dataDirectory, host, port, retention, fleetPort, offlineAfter, false);
    }

    public static final int DEFAULT_PORT = 7750;
    public static final int DEFAULT_FLEET_PORT = 7751;

    /** API on {@code port}, fleet endpoint on a free port, offline after 60 s. */
    public ServerConfig(Path dataDirectory, String host, int port, Duration retention) {
        this(dataDirectory, host, port, retention, 0, Duration.ofSeconds(60));
    }

    public static ServerConfig defaults(Path dataDirectory) {
        return new ServerConfig(dataDirectory, "127.0.0.1", DEFAULT_PORT, Duration.ofDays(30), DEFAULT_FLEET_PORT, Duration.ofSeconds(60));
    }

    /** The same over plain HTTP (loopback only). */
    public ServerConfig withPlainHttp(boolean plain) {
        return new ServerConfig(dataDirectory, host, port, retention, fleetPort, offlineAfter, plain);
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(dataDirectory, host, newPort, retention, fleetPort, offlineAfter, plainHttp);
    }

    public ServerConfig withRetention(Duration newRetention) {
        return new ServerConfig(dataDirectory, host, port, newRetention, fleetPort, offlineAfter, plainHttp);
    }

    public ServerConfig withFleetPort(int newFleetPort) {
        return new ServerConfig(dataDirectory, host, port, retention, newFleetPort, offlineAfter, plainHttp);
    }

    public ServerConfig withOfflineAfter(Duration newOfflineAfter) {
        return new ServerConfig(dataDirectory, host, port, retention, fleetPort, newOfflineAfter, plainHttp);
    }
}
