package dev.kiroku.agent.enrich;

import dev.kiroku.agent.process.ProcFsProbe;
import dev.kiroku.agent.process.ProcessTable;
import dev.kiroku.event.Event;
import dev.kiroku.sensor.linux.audit.MalformedRecord;
import dev.kiroku.sensor.linux.procfs.ProcFs;
import dev.kiroku.sensor.linux.procfs.UserNames;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** An audit record the parser could not read is counted and shown (the first ten, then every thousandth), never an event. */
class RecorderMalformedRecordsTest {

    private final List<Event> events = new ArrayList<>();
    private final Recorder recorder = new Recorder("agent-1", "host", new ProcessTable("agent-1", Duration.ofSeconds(30)),
            new ProcFsProbe(new ProcFs(), new UserNames()), new ExecutableHasher(1L << 30, InstantSource.system()),
            events::add);

    @Test
    void malformed_records_are_counted_and_the_first_ones_shown_with_their_text() {
        String shown = stderrOf(() -> {
            for (int i = 1; i <= 12; i++) {
                recorder.observe(new Observation.Audit(new MalformedRecord("SYSCALL arch=zz record-" + i, "field 'arch' is not hex")),
                        Instant.now());
            }
        });

        assertThat(recorder.malformedRecords()).isEqualTo(12);
        assertThat(events).isEmpty();
        assertThat(shown).contains("audit record not understood (1 so far): field 'arch' is not hex: SYSCALL arch=zz record-1")
                .contains("record-10").doesNotContain("record-11");
    }

    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
