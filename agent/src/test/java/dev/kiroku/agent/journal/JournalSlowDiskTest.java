package dev.kiroku.agent.journal;

import dev.kiroku.event.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The flusher fsyncs without holding the journal: while the device takes its time over a sync,
 * the recorder's appends go on, and nothing is lost once the sync completes.
 */
class JournalSlowDiskTest {
    static final Instant T0 = Instant.parse("2026-11-28T08:00:00Z");

    @TempDir
    Path dir;

    @Test
    void appendsGoOnWhileTheFlusherWaitsForTheDevice() throws Exception {
        CountDownLatch inForce = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean slow = new AtomicBoolean();
        ChannelOpener opener = (path, options) -> {
            FileChannel channel = FileChannel.open(path, options);
            if (!path.getFileName().toString().endsWith(".seg")) return channel;
            return new FailingChannel(channel, new AtomicBoolean(), () -> {
                if (!slow.get()) return;
                inForce.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        };
        JournalConfig config = JournalConfig.defaults().withFlushInterval(Duration.ofMillis(20));
        assertThat(config.durability()).isEqualTo(JournalConfig.Durability.POWER_LOSS);
        SyntheticEvents source = new SyntheticEvents(7, T0);
        List<Event> appended = new ArrayList<>();
        try (Journal journal = Journal.open(dir, config, new TestClock(T0), opener)) {
            try {
                appended.add(journal.append(source.next()));
                slow.set(true);
                appended.add(journal.append(source.next()));
                assertThat(inForce.await(10, TimeUnit.SECONDS)).as("the flusher is syncing").isTrue();
                // the device is still syncing: appends (and reads) must not wait for it
                CompletableFuture<List<Event>> more = CompletableFuture.supplyAsync(() -> {
                    List<Event> out = new ArrayList<>();
                    for (int i = 0; i < 5_000; i++) out.add(journal.append(source.next()));
                    return out;
                });
                appended.addAll(more.get(10, TimeUnit.SECONDS));
                assertThat(release.getCount()).as("appended while the sync was held").isEqualTo(1);
                assertThat(journal.readFrom(1, 10_000).events()).hasSize(appended.size());
            } finally {
                slow.set(false);
                release.countDown();
            }
            journal.flush();
            assertThat(journal.status().state()).isEqualTo(JournalStatus.State.OK);
        }
        try (Journal reopened = Journal.open(dir, config, new TestClock(T0), ChannelOpener.system())) {
            assertThat(reopened.readFrom(1, 10_000).events()).containsExactlyElementsOf(appended);
        }
    }
}
