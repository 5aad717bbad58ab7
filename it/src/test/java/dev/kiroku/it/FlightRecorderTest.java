package dev.kiroku.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The flight recorder end to end: real commands on this machine, asserted through the REST API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlightRecorderTest {
    Path temp;
    RecordingMachine machine;

    @BeforeAll
    void start(@TempDir Path data) throws Exception {
        Root.required();
        // File changes are watched on a tmpfs of their own, away from the noise of the rest of the machine.
        temp = Files.createTempDirectory(Path.of("/dev/shm"), "kiroku-it-");
        machine = new RecordingMachine(data, temp);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (machine != null) machine.close();
        } finally {
            if (temp != null) Scratch.delete(temp);
        }
    }

    static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.waitFor();
    }

    @Test
    void execsAreRecordedWithTheirExactArgumentVectors() throws Exception {
        String marker = "kiroku-exec-" + UUID.randomUUID();
        List<List<String>> commands = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            commands.add(List.of("/bin/true", marker, Integer.toString(i), "hello world", "q\"uote", "new\nline", "tab\there", ""));
        }
        commands.add(List.of("/bin/true", marker, "big", "x".repeat(100 * 1024)));
        for (List<String> command : commands) run(command);

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                assertThat(machine.api.count("event.action:exec AND process.name:true AND process.args:\"" + marker + "\"")).isEqualTo(201));
        JsonNode events = machine.api.search("event.action:exec AND process.name:true AND process.args:\"" + marker + "\"", 300);
        List<List<String>> recorded = new ArrayList<>();
        for (JsonNode event : events) {
            List<String> args = new ArrayList<>();
            event.path("process.args").forEach(a -> args.add(a.asText()));
            recorded.add(args);
            assertThat(event.path("process.executable").asText()).isEqualTo("/usr/bin/true");
            assertThat(event.path("process.parent.name").asText()).isEqualTo("java");
            assertThat(event.path("process.hash.sha256").asText()).hasSize(64);
            assertThat(event.path("process.entity_id").asText()).isNotEmpty();
        }
        assertThat(recorded).containsExactlyInAnyOrderElementsOf(commands);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(machine.api.count("event.action:exit AND process.name:true AND process.args:\"" + marker + "\""))
                        .as(() -> exitsMissing(marker))
                        .isEqualTo(201));
    }

    /** What a failure needs to be understood: the marked processes' exits as stored, whatever their process name. */
    private String exitsMissing(String marker) {
        Map<String, Integer> exitsByName = new TreeMap<>();
        Set<String> exited = new TreeSet<>();
        for (JsonNode exit : machine.api.search("event.action:exit AND process.args:\"" + marker + "\"", 300)) {
            exitsByName.merge(exit.path("process.name").asText(), 1, Integer::sum);
            exited.add(exit.path("process.entity_id").asText());
        }
        List<String> startsWithoutExit = new ArrayList<>();
        for (JsonNode start : machine.api.search("event.action:exec AND process.args:\"" + marker + "\"", 300)) {
            if (!exited.contains(start.path("process.entity_id").asText())) {
                String pid = start.path("process.pid").asText();
                List<String> exitsOfPid = new ArrayList<>();
                for (JsonNode exit : machine.api.search("event.action:exit AND process.pid:" + pid, 10)) {
                    exitsOfPid.add(exit.path("process.name").asText() + " " + exit.path("@timestamp").asText());
                }
                startsWithoutExit.add("pid " + pid + " args[2] " + start.path("process.args").path(2).asText()
                        + " started " + start.path("@timestamp").asText() + " flags " + start.path("kiroku.incomplete")
                        + " exits of the pid " + exitsOfPid);
            }
        }
        return "exits of the marked processes by process.name " + exitsByName + "; starts without an exit " + startsWithoutExit
                + "; the machine's loss reports " + machine.api.count("event.action:events_lost");
    }

    @Test
    void theSocketInventoryFindsTheServersListeningSocketAndItsOwner() {
        int port = machine.server.port();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(machine.api.count("event.action:listening_socket AND source.port:" + port + " AND process.name:java"))
                        .isGreaterThanOrEqualTo(1));
    }

    @Test
    void connectsAreRecordedWithTheProcessThatMadeThem() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 100, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                while (!listener.isClosed()) {
                    try (Socket ignored = listener.accept()) {
                        // accept and close
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            int port = listener.getLocalPort();
            for (int i = 0; i < 50; i++) {
                run(List.of("/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port));
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(machine.api.count("event.action:connect AND destination.port:" + port)).isEqualTo(50));
            for (JsonNode event : machine.api.search("event.action:connect AND destination.port:" + port, 100)) {
                assertThat(event.path("destination.ip").asText()).isEqualTo("127.0.0.1");
                assertThat(event.path("process.pid").asInt()).isPositive();
                assertThat(event.path("process.name").asText()).isEqualTo("bash");
                assertThat(event.path("process.command_line").asText()).contains("/dev/tcp/127.0.0.1/" + port);
            }
            listener.close();
            acceptor.join(2000);
        }
    }

    @Test
    void fileChangesAreRecordedWithPathsIncludingRenamesAcrossDirectories() throws Exception {
        Path a = Files.createDirectories(temp.resolve("storm-a"));
        Path b = Files.createDirectories(temp.resolve("storm-b"));
        // Another process makes the changes: the agent ignores its own file activity.
        run(List.of("/bin/bash", "-c", """
                cd "$1"
                for i in $(seq 0 299); do echo x > f$i.txt; done
                for i in $(seq 0 99); do mv f$i.txt "$2/g$i.txt"; done
                for i in $(seq 100 199); do rm f$i.txt; done
                chmod 700 f250.txt
                """, "storm", a.toString(), b.toString()));

        String inA = "file.directory:\"" + a + "\"";
        String inB = "file.directory:\"" + b + "\"";
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(machine.api.count(inA + " AND event.action:creation")).isEqualTo(300);
            assertThat(machine.api.count(inA + " AND event.action:modification")).isEqualTo(300);
            assertThat(machine.api.count(inB + " AND event.action:rename")).isEqualTo(100);
            assertThat(machine.api.count(inA + " AND event.action:deletion")).isEqualTo(100);
            assertThat(machine.api.count(inA + " AND event.action:attributes_modification")).isEqualTo(1);
        });
        JsonNode renamed = machine.api.search(inB + " AND event.action:rename AND file.name:g7.txt", 5).get(0);
        assertThat(renamed.path("file.Ext.original.path").asText()).isEqualTo(a.resolve("f7.txt").toString());
        assertThat(renamed.path("process.name").asText()).isEqualTo("mv");
        JsonNode deleted = machine.api.search(inA + " AND event.action:deletion AND file.name:f150.txt", 5).get(0);
        assertThat(deleted.path("process.name").asText()).isEqualTo("rm");
        assertThat(deleted.path("process.parent.name").asText()).isEqualTo("bash");
    }

    @Test
    void aWrongQueryIsAnsweredWithThePositionOfTheProblem() {
        assertThat(machine.api.status("/api/v1/events?q=" + Api.encode("process.name:(curl"))).isEqualTo(400);
    }

    @Test
    void theAgentReportsItsSensorsAndTheirModes() {
        JsonNode agents = machine.api.get("/api/v1/agents").path("agents");
        assertThat(agents).hasSize(1);
        List<String> running = new ArrayList<>();
        agents.get(0).path("sensors").forEach(s -> {
            if (s.path("state").asText().equals("running")) running.add(s.path("name").asText());
        });
        assertThat(running).contains("audit", "fanotify", "proc_connector", "socket_inventory");
    }
}
