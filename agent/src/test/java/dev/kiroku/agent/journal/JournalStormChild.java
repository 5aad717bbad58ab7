package dev.kiroku.agent.journal;

import dev.kiroku.event.Event;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Run in a child JVM by {@link JournalCrashTest}: appends events stamped with the wall clock as
 * fast as it can until killed, printing every 100th sequence.
 * Arguments: journal directory, flush interval in milliseconds, seed.
 */
public final class JournalStormChild {
    private JournalStormChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        JournalConfig config = JournalConfig.defaults().withFlushInterval(Duration.ofMillis(Long.parseLong(args[1])));
        SyntheticEvents source = new SyntheticEvents(Long.parseLong(args[2]), Instant.now());
        Journal journal = Journal.open(dir, config, InstantSource.system());
        System.out.println("ready " + journal.status().lastSequence());
        System.out.flush();
        while (true) {
            Event e = source.next();
            Event stored = journal.append(new Event(e.agentId(), 0, Instant.now(), e.hostName(), e.incomplete(), e.payload()));
            if (stored.sequence() % 100 == 0) {
                System.out.println("seq " + stored.sequence());
                System.out.flush();
            }
        }
    }
}
