package dev.kiroku.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Kiroku's server and agents as child processes of a test ({@code dev.kiroku.cli.Main} on this test's class path),
 * each logging to {@code NAME.log} in a directory; {@link #close()} stops them newest first (SIGTERM, then SIGKILL).
 */
final class KirokuProcesses implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path logs;
    private final List<Process> started = new ArrayList<>();

    KirokuProcesses(Path logs) {
        this.logs = logs;
    }

    /** Starts {@code kiroku ARGS} in this network namespace. */
    Process start(String name, String... args) throws IOException {
        return start(name, List.of(), args);
    }

    /** Starts {@code kiroku ARGS} behind a prefix, e.g. {@code ip netns exec NAME} (which execs, so the pid is Java's). */
    Process start(String name, List<String> prefix, String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-cp", System.getProperty("java.class.path"), "dev.kiroku.cli.Main"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(name).toFile()).start();
        started.add(process);
        return process;
    }

    Path log(String name) {
        return logs.resolve(name + ".log");
    }

    String logText(String name) throws IOException {
        return Files.readString(log(name));
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : started.reversed()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        }
    }

    /** Waits until the server answers its health check. */
    static void awaitHealthy(Api api) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> api.status("/api/v1/health") == 200);
    }

    /** The agent's {@code status.json}, or null while it has not written one. */
    static JsonNode agentStatus(Path agentData) {
        try {
            return JSON.readTree(Files.readAllBytes(agentData.resolve("status.json")));
        } catch (IOException e) {
            return null;
        }
    }

    /** True when the agent's journal is fully acknowledged by the server and nothing waits to be sent. */
    static boolean caughtUp(JsonNode status) {
        return status != null && status.path("journal").path("acknowledgedSequence").asLong() > 0
                && status.path("journal").path("acknowledgedSequence").asLong() == status.path("journal").path("lastSequence").asLong()
                && status.path("queueDepth").asInt() == 0;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
