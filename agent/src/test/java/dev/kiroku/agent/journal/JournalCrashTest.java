package dev.kiroku.agent.journal;

import dev.kiroku.event.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a JVM that appends as fast as it can (SIGKILL, mid-storm) and checks what the journal kept:
 * it opens cleanly, sequences are contiguous without duplicates and continue across crashes, and
 * the events lost are at most those of the last flush interval.
 */
class JournalCrashTest {
    static final long FLUSH_MILLIS = 200;
    /** Scheduling slack on a loaded 2-core machine on top of the flush interval. */
    static final long SLACK_MILLIS = 800;

    @TempDir
    Path dir;

    @Test
    void killMinus9LosesAtMostTheLastFlushInterval() throws Exception {
        long expectedNext = 1;
        for (int round = 1; round <= 3; round++) {
            Crash crash = storm(round);
            try (Journal journal = Journal.open(dir, JournalConfig.defaults().withFlushInterval(Duration.ZERO),
                    InstantSource.system())) {
                JournalStatus status = journal.status();
                assertThat(status.corruptBlocks()).isZero();
                List<Event> events = readAll(journal);
                assertThat(events).isNotEmpty();
                for (int i = 0; i < events.size(); i++) {
                    assertThat(events.get(i).sequence()).as("contiguous, no duplicates").isEqualTo(i + 1);
                }
                assertThat(crash.startedAt()).isEqualTo(expectedNext - 1);
                Event last = events.getLast();
                long windowMillis = Duration.between(last.timestamp(), crash.killedAt()).toMillis();
                long lostAtLeast = Math.max(0, crash.lastPrinted() - last.sequence());
                long appendedInRound = crash.lastPrinted() - crash.startedAt();
                System.out.printf("kill -9 round %d: %d events appended in the storm (at least), recovered up to %d, "
                                + "newest kept event %d ms before the kill, at least %d events lost, %d torn bytes cut%n",
                        round, appendedInRound, last.sequence(), windowMillis, lostAtLeast, status.truncatedBytes());
                assertThat(last.sequence()).as("events of this round were kept").isGreaterThan(crash.startedAt());
                assertThat(windowMillis).as("loss window").isLessThan(FLUSH_MILLIS + SLACK_MILLIS);
                expectedNext = last.sequence() + 1;
            }
        }
    }

    private static List<Event> readAll(Journal journal) {
        java.util.ArrayList<Event> all = new java.util.ArrayList<>();
        long next = 1;
        while (true) {
            Batch batch = journal.readFrom(next, 10_000);
            if (batch.isEmpty()) return all;
            all.addAll(batch.events());
            next = batch.nextSequence();
        }
    }

    record Crash(long startedAt, long lastPrinted, Instant killedAt) {
    }

    private Crash storm(int seed) throws Exception {
        Path stderr = java.nio.file.Files.createTempFile("journal-storm", ".err");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xmx256m",
                JournalStormChild.class.getName(), dir.toString(), Long.toString(FLUSH_MILLIS), Integer.toString(seed))
                .redirectError(stderr.toFile()).start();
        AtomicLong started = new AtomicLong(-1);
        AtomicLong printed = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith("ready ")) started.set(Long.parseLong(line.substring(6)));
                    if (line.startsWith("seq ")) printed.set(Long.parseLong(line.substring(4)));
                }
            } catch (IOException e) {
                // the JDK closes the pipe once the killed child is reaped: the end of its output
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (printed.get() < started.get() + 10_000 || started.get() < 0) {
                if (!child.isAlive()) throw new AssertionError("storm child died early with exit code " + child.exitValue()
                        + ": " + java.nio.file.Files.readString(stderr));
                if (System.nanoTime() > deadline) throw new AssertionError("storm child too slow: " + printed.get());
                Thread.sleep(20);
            }
            Thread.sleep(300 + 137L * seed); // kill at an arbitrary point of the flush cycle
        } finally {
            Instant killedAt = Instant.now();
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
            reader.join(10_000);
            java.nio.file.Files.deleteIfExists(stderr);
            if (failure.get() != null) throw new AssertionError(failure.get());
            if (started.get() >= 0) {
                return new Crash(started.get(), printed.get(), killedAt);
            }
        }
        throw new AssertionError("storm child never became ready");
    }
}
