package dev.kiroku.it;

import dev.kiroku.agent.Agent;
import dev.kiroku.agent.AgentConfig;
import dev.kiroku.event.EventCodec;
import dev.kiroku.sensor.linux.audit.AuditLock;
import dev.kiroku.server.KirokuServer;
import dev.kiroku.server.ServerConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * The real server on a free port and the real agent recording this machine, in this JVM, with the
 * machine-wide audit lock held so no other Kiroku test uses audit at the same time.
 */
final class RecordingMachine implements AutoCloseable {
    final KirokuServer server;
    final Agent agent;
    final Api api;
    private final AuditLock lock;

    RecordingMachine(Path data, Path watched) throws Exception {
        lock = AuditLock.acquire(Duration.ofMinutes(10));
        try {
            InstantSource clock = InstantSource.system();
            server = new KirokuServer(new ServerConfig(data.resolve("server"), "127.0.0.1", 0, Duration.ofDays(30)), clock).start();
            agent = new Agent(AgentConfig.defaults(data.resolve("agent"), "it-host").withFileWatchPaths(List.of(watched)), clock);
            agent.start(server.ingest());
            server.registerLocalAgent(() -> EventCodec.mapper().convertValue(agent.status(), Map.class));
            api = new Api(server.url(), server.credentialsFile());
        } catch (Exception e) {
            lock.close();
            throw e;
        }
    }

    @Override
    public void close() throws java.io.IOException {
        try {
            agent.close();
            server.close();
        } finally {
            lock.close();
        }
    }
}
