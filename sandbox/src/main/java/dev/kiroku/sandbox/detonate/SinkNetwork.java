package dev.kiroku.sandbox.detonate;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The sandbox's network namespace: loopback only, with every IPv4 address routed locally
 * ({@code local 0.0.0.0/0 dev lo}), so a connection to any address reaches the {@link ConnectionSink}
 * listening inside and nothing leaves the namespace. 10.66.0.1 is the sink's DNS address.
 */
final class SinkNetwork implements AutoCloseable {
    static final String SINK_ADDRESS = "10.66.0.1";

    private final String name;
    private final ConnectionSink sink;

    private SinkNetwork(String name, ConnectionSink sink) {
        this.name = name;
        this.sink = sink;
    }

    static SinkNetwork create(String name) throws IOException, InterruptedException {
        Commands.run("ip", "netns", "add", name);
        try {
            Commands.run("ip", "-n", name, "link", "set", "lo", "up");
            Commands.run("ip", "-n", name, "addr", "add", SINK_ADDRESS + "/32", "dev", "lo");
            Commands.run("ip", "-n", name, "route", "add", "local", "0.0.0.0/0", "dev", "lo");
            ConnectionSink sink = NetnsThreads.callIn(path(name), () -> ConnectionSink.open(SINK_ADDRESS));
            sink.start();
            return new SinkNetwork(name, sink);
        } catch (IOException | InterruptedException | RuntimeException e) {
            deleteQuietly(name);
            throw e;
        }
    }

    static Path path(String name) {
        return Path.of("/run/netns", name);
    }

    Path path() {
        return path(name);
    }

    ConnectionSink sink() {
        return sink;
    }

    @Override
    public void close() throws IOException {
        try {
            sink.close();
        } finally {
            Commands.run("ip", "netns", "del", name);
        }
    }

    private static void deleteQuietly(String name) {
        try {
            Commands.run("ip", "netns", "del", name);
        } catch (IOException ignored) {
            // it may not have been created
        }
    }
}
