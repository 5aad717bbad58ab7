package dev.kiroku.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the server runs.
 *
 * @param dataDirectory where the event store lives
 * @param host          address the API listens on
 * @param port          API port; 0 picks a free one
 * @param retention     how long events are kept (whole days are deleted); null keeps everything
 */
public record ServerConfig(Path dataDirectory, String host, int port, Duration retention) {
    public static final int DEFAULT_PORT = 7750;

    public static ServerConfig defaults(Path dataDirectory) {
        return new ServerConfig(dataDirectory, "127.0.0.1", DEFAULT_PORT, Duration.ofDays(30));
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(dataDirectory, host, newPort, retention);
    }

    public ServerConfig withRetention(Duration newRetention) {
        return new ServerConfig(dataDirectory, host, port, newRetention);
    }
}
