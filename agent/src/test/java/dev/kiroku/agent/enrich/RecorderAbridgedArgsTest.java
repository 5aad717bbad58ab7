package dev.kiroku.agent.enrich;

import dev.kiroku.agent.process.ProcFsProbe;
import dev.kiroku.agent.process.ProcessTable;
import dev.kiroku.event.AbridgedArgs;
import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.Incomplete;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.sensor.linux.procfs.ProcFs;
import dev.kiroku.sensor.linux.procfs.UserNames;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The recorder emits a long argument vector whole only on its process's start; elsewhere cut and flagged. */
class RecorderAbridgedArgsTest {
    private final List<Event> events = new ArrayList<>();
    private final Recorder recorder = new Recorder("agent-1", "host", new ProcessTable("agent-1", Duration.ofSeconds(30)),
            new ProcFsProbe(new ProcFs(), new UserNames()), new ExecutableHasher(1L << 30, InstantSource.system()),
            events::add);

    @Test
    void the_file_events_of_a_process_with_a_100_kb_argument_vector_carry_8_kb_of_it_and_say_so() {
        Instant now = Instant.now();
        List<String> args = List.of("/usr/bin/python3", "-c", "y".repeat(100_000));
        ProcessInfo process = new ProcessInfo("e-1", 4242, now, null, "/usr/bin/python3", args, "/", null, null, -1,
                null, null);

        recorder.emit(now, new ProcessStart(process, false), EnumSet.noneOf(Incomplete.class));
        recorder.emit(now, new FileChange(FileChange.Action.CREATE, "/tmp/out", null, false, process),
                EnumSet.of(Incomplete.HASH));

        assertThat(events).hasSize(2);
        assertThat(((ProcessStart) events.get(0).payload()).process().args()).isEqualTo(args);
        assertThat(events.get(0).incomplete()).isEmpty();
        FileChange change = (FileChange) events.get(1).payload();
        assertThat(String.join("", change.process().args())).hasSize(AbridgedArgs.MAX_CHARS);
        assertThat(events.get(1).incomplete()).containsExactlyInAnyOrder(Incomplete.HASH, Incomplete.ARGS_ABRIDGED);
    }
}
