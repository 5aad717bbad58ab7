package dev.kiroku.it;

import dev.kiroku.agent.AgentConfig;
import dev.kiroku.agent.uplink.FleetAgent;
import dev.kiroku.server.KirokuServer;
import dev.kiroku.server.ServerConfig;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.kiroku.it.ServerRest.rest;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real server (REST and fleet port on free ports) and one real agent enrolled with it over mutual TLS, in this
 * JVM, recording file changes under a directory with its fanotify sensor only; with the server's REST queries tests
 * ask, and a way to write files as another process would (the file sensor ignores the agent's own JVM).
 */
final class EnrolledEndpoint implements AutoCloseable {
    final KirokuServer server;
    final FleetAgent agent;

    private EnrolledEndpoint(KirokuServer server, FleetAgent agent) {
        this.server = server;
        this.agent = agent;
    }

    /** Starts the server under {@code directory}/server and an agent named {@code host} watching {@code directory}. */
    static EnrolledEndpoint watching(Path directory, String host) throws Exception {
        KirokuServer server = new KirokuServer(new ServerConfig(directory.resolve("server"), "127.0.0.1", 0, Duration.ofDays(1))
                .withFleetPort(0), InstantSource.system()).start();
        try {
            AgentConfig config = AgentConfig.defaults(directory.resolve("agent"), host)
                    .withSensors(new AgentConfig.Sensors(false, false, true, false)).withFileWatchPaths(List.of(directory));
            FleetAgent agent = FleetAgent.start(config, "127.0.0.1:" + server.fleet().port(),
                    server.fleet().createToken(Duration.ofMinutes(5), "test", "test"), Duration.ofSeconds(1), InstantSource.system(), true);
            return new EnrolledEndpoint(server, agent);
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    String agentId() {
        return agent.agent().agentId();
    }

    /** The stored events a query of the store's language finds (at most 100), as the REST API answers. */
    String events(String query) throws Exception {
        return rest(server, "GET", "/api/v1/events?limit=100&q=" + URLEncoder.encode(query, StandardCharsets.UTF_8), null).body();
    }

    /** The newest alerts (at most 100), as the REST API answers. */
    String alerts() throws Exception {
        return rest(server, "GET", "/api/v1/alerts?limit=100", null).body();
    }

    /**
     * Writes {@code content} to {@code file} by a {@code cp} child process, so that the file sensor records it; with
     * {@code executable}, the file is made rwxr-xr-x first (cp keeps the mode of a new file).
     */
    static Path writtenByAnotherProcess(Path file, byte[] content, boolean executable) throws Exception {
        Files.createDirectories(file.getParent());
        Path staged = Files.createTempFile("kiroku-it-", ".staged");
        try {
            Files.write(staged, content);
            if (executable) Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rwxr-xr-x"));
            Process cp = new ProcessBuilder("cp", staged.toString(), file.toString()).inheritIO().start();
            assertThat(cp.waitFor(30, TimeUnit.SECONDS) && cp.exitValue() == 0).as("cp to " + file).isTrue();
        } finally {
            Files.deleteIfExists(staged);
        }
        return file;
    }

    @Override
    public void close() {
        try {
            agent.close();
        } finally {
            server.close();
        }
    }
}
