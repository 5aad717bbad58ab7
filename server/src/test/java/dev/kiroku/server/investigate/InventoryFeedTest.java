package dev.kiroku.server.investigate;

import dev.kiroku.event.Event;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.investigate.inventory.FileInventory;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The inventory's feed over a real file inventory in an H2 database on disk. */
class InventoryFeedTest {
    private static final Instant T = Instant.parse("2026-11-28T04:00:00Z");

    @Test
    void batchesQueuedDuringAWriteGoIntoTheNextOneAndCloseWritesWhatIsQueued(@TempDir Path dir) throws Exception {
        JdbcConnectionPool db = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("inventory"), "sa", "");
        try {
            FileInventory inventory = new FileInventory(db, InstantSource.system());
            CountDownLatch firstWriteStarted = new CountDownLatch(1);
            CountDownLatch queuedMeanwhile = new CountDownLatch(1);
            List<Integer> writeSizes = new ArrayList<>();
            InventoryFeed feed = new InventoryFeed(events -> {
                writeSizes.add(events.size());
                firstWriteStarted.countDown();
                await(queuedMeanwhile);
                inventory.ingest(events);
            });
            feed.accept(batch("agent-0", 0));
            assertThat(firstWriteStarted.await(30, TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i <= 100; i++) feed.accept(batch("agent-" + i % 7, i));
            queuedMeanwhile.countDown();
            feed.close();

            assertThat(writeSizes).as("the first batch alone, then the 100 queued meanwhile in one write").containsExactly(3, 300);
            assertThat(feed.writes()).isEqualTo(2);
            assertThat(feed.failedBatches()).isZero();
            assertThat(feed.queued()).isZero();
            for (int i = 0; i <= 100; i++) {
                for (int k = 0; k < 3; k++) {
                    assertThat(inventory.byPath("agent-" + i % 7, path(i, k))).as("batch %d, event %d", i, k).singleElement()
                            .satisfies(entry -> assertThat(entry.executed()).isTrue());
                }
            }
        } finally {
            db.dispose();
        }
    }

    @Test
    void aWriteTheDatabaseRefusesIsCountedAndTheFeedGoesOn(@TempDir Path dir) throws Exception {
        JdbcConnectionPool db = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("inventory"), "sa", "");
        FileInventory inventory = new FileInventory(db, InstantSource.system());
        db.dispose(); // every later write fails to get a connection
        InventoryFeed feed = new InventoryFeed(inventory::ingest);
        for (int i = 0; i < 3; i++) feed.accept(batch("agent-x", i));
        feed.close();
        assertThat(feed.failedBatches()).isEqualTo(3);
        assertThat(feed.writes()).isZero();
    }

    private static List<Event> batch(String agentId, int number) {
        List<Event> events = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            ProcessInfo process = new ProcessInfo(agentId + "-" + number + "-" + k, 100 + k, T, null, path(number, k), List.of(path(number, k)),
                    "/", null, null, 1, null, null).withHashes(null, null, "%064x".formatted(number * 10L + k));
            events.add(new Event(agentId, number * 3L + k + 1, T, "host-" + agentId, List.of(), new ProcessStart(process, false)));
        }
        return events;
    }

    private static String path(int number, int k) {
        return "/usr/bin/tool-" + number + "-" + k;
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
