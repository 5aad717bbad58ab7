package dev.kiroku.agent.policy;

import dev.kiroku.agent.journal.JournalConfig;
import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyTest {
    @TempDir
    Path dir;

    @Test
    void parametersBecomeAPolicyThatExcludesPathsAndProcessesAndSurvivesARestart() throws Exception {
        Policy policy = Policy.fromParameters(Map.of("version", "3", "sensors.muted", "fanotify, audit",
                "exclude.paths", "/var/cache,/tmp/build/", "exclude.processes", "/usr/bin/rsync",
                "journal.max_bytes", "" + (64L << 20), "journal.retention_hours", "48"));
        assertThat(policy.version()).isEqualTo(3);
        assertThat(policy.mutedSensors()).containsExactlyInAnyOrder("fanotify", "audit");
        assertThat(policy.excludes(file("/var/cache/apt/x", "/usr/bin/apt"))).isTrue();
        assertThat(policy.excludes(file("/var/cache", "/usr/bin/apt"))).isTrue();
        assertThat(policy.excludes(file("/var/cachex/y", "/usr/bin/apt"))).isFalse();
        assertThat(policy.excludes(file("/tmp/build/a.o", "/usr/bin/gcc"))).isTrue();
        assertThat(policy.excludes(exec("/usr/bin/rsync"))).isTrue();
        assertThat(policy.excludes(exec("/usr/bin/curl"))).isFalse();

        PolicyFile.save(dir, policy);
        assertThat(PolicyFile.load(dir)).isEqualTo(policy);
        JournalConfig journal = PolicyFile.journal(JournalConfig.defaults(), policy);
        assertThat(journal.maxBytes()).isEqualTo(64L << 20);
        assertThat(journal.retention()).isEqualTo(Duration.ofHours(48));
        assertThat(PolicyFile.load(dir.resolve("fresh"))).as("no policy file: the default").isEqualTo(Policy.DEFAULT);
    }

    @Test
    void badParametersAreNamed() {
        assertThatThrownBy(() -> Policy.fromParameters(Map.of())).hasMessageContaining("'version'");
        assertThatThrownBy(() -> Policy.fromParameters(Map.of("version", "x"))).hasMessageContaining("'version' is not a number");
        assertThatThrownBy(() -> Policy.fromParameters(Map.of("version", "1", "sensors.muted", "ebpf"))).hasMessageContaining("unknown sensor 'ebpf'");
        assertThatThrownBy(() -> Policy.fromParameters(Map.of("version", "1", "exclude.paths", "tmp"))).hasMessageContaining("not an absolute path");
        assertThatThrownBy(() -> Policy.fromParameters(Map.of("version", "1", "journal.max_bytes", "10"))).hasMessageContaining("at least 1 MiB");
    }

    private static ProcessInfo process(String executable) {
        return new ProcessInfo("e", 7, Instant.now(), null, executable, List.of(executable), "/", null, null, 1, null, null);
    }

    private static Event exec(String executable) {
        return Event.of("a", Instant.now(), "h", new ProcessStart(process(executable), false));
    }

    private static Event file(String path, String executable) {
        return Event.of("a", Instant.now(), "h", new FileChange(FileChange.Action.CREATE, path, null, false, process(executable)));
    }
}
