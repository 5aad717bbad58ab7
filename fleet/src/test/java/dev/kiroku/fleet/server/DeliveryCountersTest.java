package dev.kiroku.fleet.server;

import dev.kiroku.fleet.state.JdbcStateStore;
import dev.kiroku.fleet.state.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Batches counted from many threads while the counters are written every second add up exactly in the H2 state store. */
class DeliveryCountersTest {
    @TempDir
    Path dir;

    @Test
    void countsFromConcurrentCallsAddUpAndTheLastOnesAreWrittenAtClose() throws Exception {
        Instant t0 = Instant.parse("2026-11-27T12:00:00Z");
        try (JdbcStateStore state = JdbcStateStore.h2(dir.resolve("state"), t0)) {
            for (int a = 0; a < 20; a++) state.enrol("agent-" + a, "h" + a, "g", "serial-" + a, t0);
            DeliveryCounters counters = new DeliveryCounters(state);
            try (ExecutorService callers = Executors.newFixedThreadPool(8)) {
                List<Future<?>> calls = new ArrayList<>();
                for (int thread = 0; thread < 8; thread++) {
                    int first = thread;
                    calls.add(callers.submit(() -> {
                        for (int i = 0; i < 2_000; i++) {
                            counters.add("agent-" + (first + i) % 20, 3, 1 + i, t0.plusMillis(i));
                            if (i % 500 == 0) sleep(300); // the timer writes in between
                        }
                    }));
                }
                for (Future<?> call : calls) call.get();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> state.agent("agent-0").orElseThrow().eventsReceived() > 0);
            counters.close();
            for (int a = 0; a < 20; a++) {
                StateStore.AgentRecord agent = state.agent("agent-" + a).orElseThrow();
                assertThat(agent.eventsReceived()).as("agent-%d", a).isEqualTo(8 * 100 * 3);
                assertThat(agent.lastStoredSequence()).as("agent-%d", a).isGreaterThanOrEqualTo(1981);
                assertThat(agent.lastSeen()).isAfter(t0.plusSeconds(1));
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
