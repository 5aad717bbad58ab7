package dev.kiroku.sandbox;

import dev.kiroku.sandbox.detonate.BehaviourRules;
import dev.kiroku.sandbox.detonate.DetonationReport;
import dev.kiroku.sandbox.detonate.Detonator;
import dev.kiroku.sandbox.statics.ArchiveLimits;
import dev.kiroku.sandbox.statics.KnownBadHashes;
import dev.kiroku.sandbox.statics.StaticAnalyzer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Real detonations: namespaces, cgroups, the sink and Kiroku's agent recording (needs root). */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class DetonationTest {
    @TempDir
    static Path dir;
    static BuiltInAnalyzer analyzer;

    @BeforeAll
    static void analyzer() {
        analyzer = new BuiltInAnalyzer(new StaticAnalyzer(StaticAnalyzer.builtInChecks(KnownBadHashes.empty()), ArchiveLimits.defaults()),
                new Detonator(dir.resolve("runs"), Detonator.Settings.defaults(), BehaviourRules.builtIn()), 32 << 20, InstantSource.system());
    }

    static Report detonate(Path file, int seconds) throws Exception {
        return analyzer.analyze(Sample.of(file), AnalysisOptions.defaults().withTimeLimit(Duration.ofSeconds(seconds)));
    }

    @Test
    void reverseShellReachesOnlyTheSinkAndIsRecordedByTheSensor() throws Exception {
        Report report = detonate(Samples.copy("reverse-shell.sh", dir), 5);
        DetonationReport d = report.detonation();
        assertThat(report.verdict()).isEqualTo(Verdict.HIGH);
        assertThat(d.status()).isEqualTo("completed");
        assertThat(d.connections()).anySatisfy(c -> {
            assertThat(c.seenBy()).isEqualTo("sink");
            assertThat(c.destinationIp()).isEqualTo("203.0.113.66");
            assertThat(c.destinationPort()).isEqualTo(4444);
        });
        if (d.recording().startsWith("kiroku agent (")) {
            assertThat(d.processes()).extracting(DetonationReport.ProcessNode::commandLine).contains("bash -i");
            assertThat(d.connections()).anySatisfy(c -> {
                assertThat(c.seenBy()).isEqualTo("sensor");
                assertThat(c.destinationIp()).isEqualTo("203.0.113.66");
                assertThat(c.detail()).containsPattern("\\(pid \\d+\\)");
            });
        }
    }

    @Test
    void persistenceLandsInTheScratchLayerOnly() throws Exception {
        Report report = detonate(Samples.copy("persistence.sh", dir), 5);
        DetonationReport d = report.detonation();
        assertThat(d.filesWritten()).extracting(f -> f.path()).contains("/etc/cron.d/updater", "/etc/systemd/system/updater.service", "/opt/.updater/update.sh");
        assertThat(d.persistence()).contains("wrote /etc/cron.d/updater");
        assertThat(Path.of("/etc/cron.d/updater")).doesNotExist();
        assertThat(Path.of("/opt/.updater")).doesNotExist();
        assertThat(report.verdict()).isEqualTo(Verdict.HIGH);
    }

    @Test
    void dropperSecondStageIsSeenWrittenAndRun() throws Exception {
        Report report = detonate(Samples.copy("dropper.sh", dir), 5);
        DetonationReport d = report.detonation();
        assertThat(d.filesWritten()).anySatisfy(f -> {
            assertThat(f.path()).isEqualTo("/tmp/.cache-x/stage2.sh");
            assertThat(f.executable()).isTrue();
        });
        assertThat(d.output()).contains("uid=0(root)");
        if (d.recording().startsWith("kiroku agent (")) {
            assertThat(report.reasons()).anySatisfy(r -> assertThat(r.code()).isEqualTo("dynamic.dropped_executed"));
            assertThat(d.rules()).extracting(h -> h.evidence()).anySatisfy(e -> assertThat(e).contains("/tmp/.cache-x/stage2.sh"));
            assertThat(report.verdict()).isEqualTo(Verdict.MEDIUM);
        }
    }

    @Test
    void evasiveSampleIsKilledAtTheTimeLimit() throws Exception {
        long started = System.nanoTime();
        Report report = detonate(Samples.copy("evasive.sh", dir), 3);
        assertThat(report.detonation().status()).isEqualTo("timed_out");
        assertThat(report.reasons()).anySatisfy(r -> assertThat(r.code()).isEqualTo("dynamic.time_limit"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMinutes(3));
        assertThat(leftovers()).isEmpty();
    }

    /**
     * A sample that tries to write outside the sandbox, kill a host process, reach a real address,
     * fork without bound, fill the disk and reach the host through /proc: every attempt fails, the
     * report shows it, and nothing of the sandbox is left on the host afterwards.
     */
    @Test
    void hostSurvivesEscapeAttempts() throws Exception {
        Process victim = new ProcessBuilder("sleep", "600").start();
        String hostName = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        Path outside = dir.resolve("escaped-marker");
        try {
            Path sample = dir.resolve("escape.sh");
            Files.writeString(sample, String.join("\n",
                    "#!/bin/sh",
                    "echo pwned > " + outside + " && echo wrote-outside",
                    "echo pwned > /kiroku-escape-marker",
                    "kill -9 " + victim.pid() + " || echo kill-failed",
                    "echo procs=$(ls /proc | grep -c '^[0-9]')",
                    "echo evil > /proc/sys/kernel/hostname || echo hostname-refused",
                    "ls /proc/1/root/work/helper-rules.md 2>&1 || true",
                    "timeout 3 bash -c 'echo hello > /dev/tcp/1.1.1.1/443' && echo connected",
                    "dd if=/dev/zero of=/tmp/fill bs=1M count=200 2>&1 | grep -o 'No space left on device'",
                    "i=0; while [ $i -lt 200 ]; do sleep 20 & i=$((i+1)); done 2>/dev/null",
                    "echo forked",
                    ""));
            Report report = detonate(sample, 8);
            DetonationReport d = report.detonation();
            assertThat(outside).doesNotExist();
            assertThat(Path.of("/kiroku-escape-marker")).doesNotExist();
            assertThat(victim.isAlive()).isTrue();
            assertThat(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip()).isEqualTo(hostName);
            assertThat(InetAddress.getLocalHost()).isNotNull();
            assertThat(d.output()).contains("kill-failed", "hostname-refused", "No space left on device").doesNotContain("helper-rules.md\n");
            assertThat(d.output()).containsPattern("procs=[0-9]\\b");
            assertThat(d.filesWritten()).extracting(f -> f.path()).contains("/kiroku-escape-marker", "/tmp/fill");
            assertThat(d.connections()).anySatisfy(c -> {
                assertThat(c.destinationIp()).isEqualTo("1.1.1.1");
                assertThat(c.seenBy()).isEqualTo("sink");
            });
            assertThat(d.usage().processLimitHit()).isTrue();
            assertThat(report.reasons()).extracting(Reason::code).contains("dynamic.fork_bomb", "dynamic.disk_fill", "dynamic.network.connect");
            assertThat(leftovers()).isEmpty();
        } finally {
            victim.destroyForcibly();
        }
    }

    /** Sandbox cgroups, network namespaces and scratch mounts still present on the host. */
    static List<String> leftovers() throws IOException {
        String prefix = "kiroku-sbx-" + ProcessHandle.current().pid() + "-";
        List<String> found = new java.util.ArrayList<>();
        try (Stream<Path> netns = Files.exists(Path.of("/run/netns")) ? Files.list(Path.of("/run/netns")) : Stream.empty()) {
            netns.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).forEach(found::add);
        }
        for (String hierarchy : List.of("unified", "cpu", "memory", "pids")) {
            try (Stream<Path> walk = Files.walk(Path.of("/sys/fs/cgroup", hierarchy), 4)) {
                walk.filter(p -> p.getFileName().toString().startsWith(prefix)).map(Path::toString).forEach(found::add);
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) if (line.contains(prefix)) found.add(line);
        return found;
    }
}
