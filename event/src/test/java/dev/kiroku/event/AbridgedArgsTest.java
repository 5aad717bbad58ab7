package dev.kiroku.event;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AbridgedArgsTest {
    private static final Instant NOW = Instant.parse("2026-11-28T04:00:00Z");
    private static final List<String> LONG_ARGS = List.of("/usr/bin/python3", "-c", "x".repeat(100_000), "tail");

    @Test
    void aFileEventCarriesTheLeadingPartOfALongArgumentVectorAndItsParentsToo() {
        ProcessInfo process = process(LONG_ARGS, new ProcessInfo.ParentRef("p-1", 1, "/bin/sh", LONG_ARGS));
        FileChange change = new FileChange(FileChange.Action.CREATE, "/tmp/a", null, false, process);

        FileChange carried = (FileChange) AbridgedArgs.of(change);

        List<String> args = carried.process().args();
        assertThat(args).hasSize(3).startsWith("/usr/bin/python3", "-c");
        assertThat(String.join("", args)).hasSize(AbridgedArgs.MAX_CHARS);
        assertThat(args.get(2)).isEqualTo("x".repeat(AbridgedArgs.MAX_CHARS - "/usr/bin/python3-c".length()));
        assertThat(carried.process().parent().args()).isEqualTo(args);
        assertThat(carried.path()).isEqualTo("/tmp/a");
        assertThat(carried.process().entityId()).isEqualTo(process.entityId());
    }

    @Test
    void aProcessStartKeepsItsOwnArgumentVectorWholeAndCutsOnlyItsParents() {
        ProcessInfo process = process(LONG_ARGS, new ProcessInfo.ParentRef("p-1", 1, "/bin/sh", LONG_ARGS));

        ProcessStart carried = (ProcessStart) AbridgedArgs.of(new ProcessStart(process, false));

        assertThat(carried.process().args()).isEqualTo(LONG_ARGS);
        assertThat(String.join("", carried.process().parent().args())).hasSize(AbridgedArgs.MAX_CHARS);
    }

    @Test
    void eventsWhoseArgumentVectorsFitAreTheSameInstance() {
        ProcessInfo process = process(List.of("/bin/ls", "-l"), new ProcessInfo.ParentRef("p-1", 1, "/bin/sh", List.of("sh")));
        List<Payload> payloads = List.of(new ProcessStart(process, false), new ProcessExit(process, 0, 0),
                new FileChange(FileChange.Action.DELETE, "/tmp/a", null, false, process),
                new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", null, 0, "127.0.0.1", 80, true, process),
                new LossReport("audit", 3, NOW, NOW, "lost"));
        for (Payload payload : payloads) assertThat(AbridgedArgs.of(payload)).isSameAs(payload);
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        List<String> args = new ArrayList<>();
        args.add("a".repeat(AbridgedArgs.MAX_CHARS - 1) + "😀" + "b");

        List<String> cut = AbridgedArgs.abridged(args);

        assertThat(cut.getFirst()).isEqualTo("a".repeat(AbridgedArgs.MAX_CHARS - 1));
    }

    @Test
    void aProcessStartTooLargeToShipHasItsOwnVectorCutAndIsFlagged() {
        Event start = Event.of("a1", NOW, "h", new ProcessStart(process(LONG_ARGS, null), false)).withSequence(7);

        Event cut = AbridgedArgs.withOwnArgsCut(start, 1000);

        assertThat(String.join("", ((ProcessStart) cut.payload()).process().args())).hasSize(1000);
        assertThat(cut.incomplete()).containsExactly(Incomplete.ARGS_ABRIDGED);
        assertThat(cut.sequence()).isEqualTo(7);
        assertThat(AbridgedArgs.withOwnArgsCut(start, 1_000_000)).isSameAs(start);
    }

    private static ProcessInfo process(List<String> args, ProcessInfo.ParentRef parent) {
        return new ProcessInfo("e-1", 100, NOW, parent, args.getFirst(), args, "/", null, null, -1, null, null);
    }
}
