package dev.kiroku.agent.ship;

import dev.kiroku.agent.journal.Journal;
import dev.kiroku.agent.journal.JournalConfig;
import dev.kiroku.event.Event;
import dev.kiroku.event.EventSink;
import dev.kiroku.event.LossReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The shipper over a real journal (flushed every 200 ms, as the agent's is): few, full calls, every event once, in order. */
class ShipperTest {
    @TempDir
    Path dir;

    @Test
    void anAgentRecordingTwentyEventsASecondMakesAboutOneCallASecond() throws Exception {
        List<List<Long>> calls = Collections.synchronizedList(new ArrayList<>());
        try (Journal journal = Journal.open(dir, JournalConfig.defaults().withFlushInterval(Duration.ofMillis(200)), InstantSource.system());
             Shipper shipper = new Shipper(journal, batch -> calls.add(batch.stream().map(Event::sequence).toList()), 2000,
                     InstantSource.system())) {
            shipper.start();
            long start = System.nanoTime();
            for (int i = 0; i < 80; i++) { // 20 a second for 4 s
                journal.append(Event.of("agent-1", Instant.now(), "host", new LossReport("test", i, null, null, "event " + i)));
                Thread.sleep(50);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> shipper.shipped() == 80);
            double seconds = (System.nanoTime() - start) / 1e9;
            List<Long> shipped = calls.stream().flatMap(List::stream).toList();
            assertThat(shipped).as("every event once, in order").containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, 80).boxed().toList());
            // Without gathering, each 200 ms journal flush was a call: about 20 in 4 s.
            assertThat(calls.size()).as("calls in %.1f s", seconds).isLessThanOrEqualTo((int) Math.ceil(seconds) + 2);
            assertThat(journal.status().acknowledgedSequence()).isEqualTo(80);
        }
    }

    @Test
    void aServerAskingForLongerGatheringGetsFewerLargerCalls() throws Exception {
        List<List<Long>> calls = Collections.synchronizedList(new ArrayList<>());
        EventSink pacedSink = new EventSink() {
            @Override
            public void deliver(List<Event> batch) {
                calls.add(batch.stream().map(Event::sequence).toList());
            }

            @Override
            public Duration requestedGathering() {
                return Duration.ofMillis(2500);
            }
        };
        try (Journal journal = Journal.open(dir, JournalConfig.defaults().withFlushInterval(Duration.ofMillis(200)), InstantSource.system());
             Shipper shipper = new Shipper(journal, pacedSink, 2000, InstantSource.system())) {
            shipper.start();
            long start = System.nanoTime();
            for (int i = 0; i < 120; i++) { // 20 a second for 6 s
                journal.append(Event.of("agent-1", Instant.now(), "host", new LossReport("test", i, null, null, "event " + i)));
                Thread.sleep(50);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> shipper.shipped() == 120);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(calls.stream().flatMap(List::stream).toList()).as("every event once, in order").containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, 120).boxed().toList());
            // At the agent's own pace (1 s) this is about 7 calls; at 2.5 s at most 4 (the first ships at once).
            assertThat(calls.size()).as("calls in %.1f s", seconds).isLessThanOrEqualTo((int) Math.ceil(seconds / 2.5) + 2);
        }
    }

    @Test
    void aFullBatchShipsAtOnce() throws Exception {
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        try (Journal journal = Journal.open(dir, JournalConfig.defaults().withFlushInterval(Duration.ofMillis(200)), InstantSource.system());
             Shipper shipper = new Shipper(journal, batch -> sizes.add(batch.size()), 100, InstantSource.system())) {
            shipper.start();
            for (int i = 0; i < 1_000; i++) {
                journal.append(Event.of("agent-1", Instant.now(), "host", new LossReport("test", i, null, null, "burst")));
            }
            long start = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).until(() -> shipper.shipped() == 1_000);
            assertThat(sizes).as("a burst ships in full batches").hasSizeLessThanOrEqualTo(11).allMatch(size -> size <= 100);
            assertThat((System.nanoTime() - start) / 1e9).as("seconds to ship 10 full batches: no gathering wait")
                    .isLessThan(Shipper.LINGER.toSeconds() * 5.0);
        }
    }
}
