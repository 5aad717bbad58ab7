package dev.kiroku.agent.scanning;

import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.Payload;
import dev.kiroku.event.YaraDetection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Policy scans on write with real libyara rules over real files: what is scanned, what is reported, what is dropped. */
class PolicyScansTest {
    static final String MARKER = "kiroku-policy-dropper-marker";
    static final String RULES = "[{\"name\":\"team-rules\",\"source\":\"rule Kiroku_Policy_Dropper : linux { strings: $m = \\\""
            + MARKER + "\\\" condition: $m }\"}]";

    private final List<Payload> found = new CopyOnWriteArrayList<>();

    @Test
    void aWrittenExecutableMatchingARuleIsReportedWithTheRuleItsStringsAndTheirOffsets(@TempDir Path dir) throws Exception {
        byte[] base = Files.readAllBytes(Path.of("/bin/true"));
        Path dropper = executable(dir.resolve("drop/tool"), base, MARKER);
        Path clean = executable(dir.resolve("drop/clean"), base, "nothing to see");
        Path outside = executable(dir.resolve("elsewhere/tool"), base, MARKER);
        Path text = dir.resolve("drop/notes.txt");
        Files.writeString(text, "plain text naming " + MARKER);
        try (PolicyScans scans = new PolicyScans((at, pid, exe, payload) -> found.add(payload.apply(null)))) {
            String note = scans.apply(policy(Map.of("yara.scan_on_write", dir.resolve("drop").toString())));
            assertThat(note).contains("1 rules from 1 rule set(s)").contains("executables written under");
            for (Path file : List.of(dropper, clean, outside, text)) scans.onRecorded(written(file));
            await().atMost(Duration.ofSeconds(30)).until(() -> scans.stats().scanned() + scans.stats().notExecutable() >= 3);
            Thread.sleep(300);
            assertThat(found).hasSize(1);
            YaraDetection hit = (YaraDetection) found.getFirst();
            assertThat(hit.rule()).isEqualTo("Kiroku_Policy_Dropper");
            assertThat(hit.namespace()).isEqualTo("team-rules");
            assertThat(hit.tags()).containsExactly("linux");
            assertThat(hit.trigger()).isEqualTo(YaraDetection.Trigger.WRITE);
            assertThat(hit.blocked()).isFalse();
            assertThat(hit.path()).isEqualTo(dropper.toString());
            assertThat(hit.sha256()).hasSize(64);
            assertThat(hit.strings()).singleElement().satisfies(s -> {
                assertThat(s.identifier()).isEqualTo("$m");
                assertThat(s.offset()).isEqualTo(base.length);
                assertThat(s.length()).isEqualTo(MARKER.length());
            });
            assertThat(scans.stats().notExecutable()).as("the text file is not an executable").isEqualTo(1);

            // The same content again (a copy): the verdict is cached, the file is not scanned twice.
            Path copy = executable(dir.resolve("drop/copy"), base, MARKER);
            long scanned = scans.stats().scanned();
            scans.onRecorded(written(copy));
            await().atMost(Duration.ofSeconds(30)).until(() -> found.size() == 2);
            assertThat(scans.stats().scanned()).isEqualTo(scanned);
            assertThat(scans.stats().cachedVerdicts()).isGreaterThanOrEqualTo(1);

            // Policy "all files": the text file is scanned and matches too.
            scans.apply(policy(Map.of("yara.scan_on_write", dir + "/drop/*.txt", "yara.scan_on_write.files", "all")));
            scans.onRecorded(written(text));
            await().atMost(Duration.ofSeconds(30)).until(() -> found.size() == 3);
            assertThat(((YaraDetection) found.get(2)).path()).isEqualTo(text.toString());
        }
    }

    @Test
    void overTheBudgetFilesAreDroppedAndCountedAndTheRecordingThreadNeverWaits(@TempDir Path dir) throws Exception {
        Path dropper = executable(dir.resolve("tool"), new byte[64 << 10], MARKER);
        try (PolicyScans scans = new PolicyScans((at, pid, exe, payload) -> found.add(payload.apply(null)))) {
            scans.apply(policy(Map.of("yara.scan_on_write", dir.toString(), "yara.rate", "4096")));
            Event event = written(dropper);
            int offered = 5_000;
            long started = System.nanoTime();
            for (int i = 0; i < offered; i++) scans.onRecorded(event);
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            PolicyScans.Stats stats = scans.stats();
            assertThat(tookMillis).as("5,000 written files offered in %d ms", tookMillis).isLessThan(2_000);
            assertThat(stats.queued()).isLessThanOrEqualTo(PolicyScans.QUEUE_CAPACITY + 2);
            assertThat(stats.dropped()).isEqualTo(offered - stats.queued());
            assertThat(scans.dropped()).isEqualTo(stats.dropped());
        }
    }

    @Test
    void aPolicyWhoseRulesDoNotCompileIsRefusedWithTheReason() {
        try (PolicyScans scans = new PolicyScans((at, pid, exe, payload) -> found.add(payload.apply(null)))) {
            String broken = "[{\"name\":\"broken\",\"source\":\"rule Broken { condition: nosuchthing }\"}]";
            assertThatThrownBy(() -> scans.apply(ScanPolicy.fromParameters(Map.of("yara.rules", broken, "yara.scan_before_exec", "block"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no rule compiles").hasMessageContaining("broken");
            assertThat(scans.policy().enabled()).isFalse();
        }
    }

    static ScanPolicy policy(Map<String, String> parameters) {
        java.util.HashMap<String, String> all = new java.util.HashMap<>(parameters);
        all.put("yara.rules", RULES);
        return ScanPolicy.fromParameters(all);
    }

    static Path executable(Path file, byte[] base, String tail) throws Exception {
        Files.createDirectories(file.getParent());
        byte[] extra = tail.getBytes();
        byte[] content = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, content, base.length, extra.length);
        Files.write(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private static Event written(Path file) {
        return Event.of("agent-1", Instant.now(), "host", new FileChange(FileChange.Action.MODIFY, file.toString(), null, false, null));
    }
}
