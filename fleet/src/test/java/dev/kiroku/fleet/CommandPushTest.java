package dev.kiroku.fleet;

import dev.kiroku.fleet.client.AgentCredentials;
import dev.kiroku.fleet.client.FleetClient;
import dev.kiroku.fleet.proto.Command;
import dev.kiroku.fleet.proto.Inventory;
import dev.kiroku.fleet.state.StateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The command push over a real gRPC server with mutual TLS: commands reach a listening agent at once. */
class CommandPushTest {
    @TempDir
    Path dir;
    TestFleet fleet;

    @BeforeEach
    void start() throws Exception {
        fleet = new TestFleet(dir);
    }

    @AfterEach
    void stop() {
        fleet.close();
    }

    private List<String> issue(String id, String target, Duration expiresIn) {
        Instant now = Instant.now();
        List<String> agents = fleet.state.issue(new StateStore.Command(id, target, "ping", Map.of("n", id), "admin", now, now.plus(expiresIn)));
        fleet.server.commandsIssued(agents);
        return agents;
    }

    @Test
    void aListeningAgentGetsACommandWithinMillisecondsAndPendingOnesWhenItConnects() throws Exception {
        AgentCredentials credentials = fleet.enrol("agent-p");
        issue("before", "agent:agent-p", Duration.ofMinutes(5));
        LinkedBlockingQueue<Command> received = new LinkedBlockingQueue<>();
        try (FleetClient client = fleet.client(credentials);
             AutoCloseable call = client.listen(received::add, reason -> { })) {
            assertThat(received.poll(10, TimeUnit.SECONDS)).extracting(Command::getId).isEqualTo("before");
            await().atMost(Duration.ofSeconds(10)).until(() -> fleet.server.listeningAgents() == 1);
            long[] latencies = new long[20];
            for (int i = 0; i < latencies.length; i++) {
                long start = System.nanoTime();
                issue("c" + i, "all", Duration.ofMinutes(5));
                Command command = received.poll(10, TimeUnit.SECONDS);
                latencies[i] = (System.nanoTime() - start) / 1_000_000;
                assertThat(command).isNotNull().extracting(Command::getId).isEqualTo("c" + i);
                assertThat(command.getParametersMap()).containsEntry("n", "c" + i);
            }
            // Pushed means handed out: a heartbeat does not deliver the same command again.
            assertThat(client.heartbeat(Inventory.getDefaultInstance())).isEmpty();
            assertThat(fleet.state.deliveries("c3", 10)).singleElement().extracting(StateStore.Delivery::state).isEqualTo("delivered");
            java.util.Arrays.sort(latencies);
            assertThat(latencies[latencies.length - 1]).as("slowest push in ms").isLessThan(1000);
        }
    }

    @Test
    void withoutAnOpenCallCommandsWaitForTheHeartbeatAndExpiredOnesAreNeverPushed() throws Exception {
        AgentCredentials credentials = fleet.enrol("agent-h");
        List<Command> pushed = new CopyOnWriteArrayList<>();
        try (FleetClient client = fleet.client(credentials)) {
            AutoCloseable call = client.listen(pushed::add, reason -> { });
            await().atMost(Duration.ofSeconds(10)).until(() -> fleet.server.listeningAgents() == 1);
            call.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> fleet.server.listeningAgents() == 0);
            issue("offline", "agent:agent-h", Duration.ofMinutes(5));
            issue("stale", "agent:agent-h", Duration.ofMillis(1));
            Thread.sleep(50);
            assertThat(pushed).isEmpty();
            assertThat(client.heartbeat(Inventory.getDefaultInstance())).extracting(Command::getId).containsExactly("offline");
        }
        assertThat(fleet.state.deliveries("stale", 10)).singleElement().extracting(StateStore.Delivery::state).isEqualTo("expired");
    }
}
