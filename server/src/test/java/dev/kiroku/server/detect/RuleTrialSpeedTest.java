package dev.kiroku.server.detect;

import dev.kiroku.detect.sigma.FieldMapping;
import dev.kiroku.detect.sigma.LoadOptions;
import dev.kiroku.detect.sigma.RuleSet;
import dev.kiroku.detect.sigma.SigmaLoader;
import dev.kiroku.event.Event;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rule test over a day of 200,000 recorded process starts reads only the candidates its literals select, so it
 * answers in well under a second, and finds exactly what the matcher over every event finds. Real Lucene store, real
 * compiled matcher.
 */
class RuleTrialSpeedTest {
    private static final Instant NOW = Instant.parse("2026-03-02T23:00:00Z");
    private static final int EVENTS = 200_000;
    private static final String[] EXECUTABLES = {"/usr/bin/bash", "/usr/bin/ls", "/usr/bin/cat", "/usr/bin/grep",
            "/usr/bin/python3", "/usr/sbin/cron", "/usr/bin/sed", "/usr/bin/awk", "/usr/bin/curl", "/usr/bin/git"};
    private static final String RULE = """
            title: Download to a temporary directory with wget
            id: 5d0c1b2a-7e44-4f0e-9a61-00000000a001
            status: experimental
            logsource: {product: linux, category: process_creation}
            detection:
              selection:
                Image|endswith: /wget
                CommandLine|contains: ' -O /tmp/'
              condition: selection
            level: medium
            """;

    @TempDir
    Path data;

    @Test
    void aRuleOverTwoHundredThousandEventsAnswersInWellUnderASecond() {
        InstantSource clock = () -> NOW;
        try (LuceneEventStore store = new LuceneEventStore(data.resolve("events"), clock, LuceneStoreOptions.defaults())) {
            int planted = fill(store);
            FieldMapping mapping = FieldMapping.kiroku();
            RuleSet rules = SigmaLoader.loadTexts(Map.of("wget-tmp.yml", RULE), LoadOptions.defaults()).rules();
            RuleTrial trial = new RuleTrial(store, mapping, clock, Duration.ofSeconds(60), 5_000_000);
            Instant from = NOW.minus(Duration.ofHours(24));
            RuleTrial.Result cold = trial.run(rules, from, NOW, 20);
            RuleTrial.Result warm = trial.run(rules, from, NOW, 20);
            System.out.printf("rule test over %,d events: %d hits, %d events examined, %d ms (first run %d ms); query %s%n",
                    EVENTS, warm.hits(), warm.scanned(), warm.millis(), cold.millis(), warm.storeQuery());
            assertThat(warm.complete()).isTrue();
            assertThat(warm.hits()).isEqualTo(planted);
            assertThat(warm.scanned()).as("only candidates are examined").isLessThanOrEqualTo(2L * planted);
            assertThat(warm.millis()).as("well under a second").isLessThan(1_000);
        }
    }

    /** A day of process starts; a few hundred are wget downloads to /tmp, as many more wget elsewhere. */
    private static int fill(LuceneEventStore store) {
        Random random = new Random(42);
        Instant start = NOW.minus(Duration.ofHours(20));
        int planted = 0;
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            String executable;
            List<String> args;
            if (i % 1000 == 7) {
                executable = "/usr/bin/wget";
                args = List.of("wget", "http://198.51.100.7/p" + i, "-O", "/tmp/p" + i);
                planted++;
            } else if (i % 1000 == 8) {
                executable = "/usr/bin/wget";
                args = List.of("wget", "-q", "http://example.org/" + i);
            } else {
                executable = EXECUTABLES[random.nextInt(EXECUTABLES.length)];
                args = List.of(executable.substring(executable.lastIndexOf('/') + 1), "--opt" + random.nextInt(100), "/tmp/file" + i);
            }
            Instant time = start.plusMillis(i * 360L);
            ProcessInfo info = new ProcessInfo("e-" + i, 1000 + i % 30000, time.minusMillis(3), null, executable, args, "/home/alice",
                    null, new ProcessInfo.Credentials(1000, "alice", 1000, "alice", 1000, 1000, 1000), 3, "pts/0", null, null, null);
            batch.add(new Event("agent-" + (i % 50), i, time, "host-" + (i % 50), List.of(), new ProcessStart(info, false)));
            if (batch.size() == 5_000) {
                store.append(batch);
                batch.clear();
            }
        }
        store.append(batch);
        store.commit();
        return planted;
    }
}
