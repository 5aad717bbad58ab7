package dev.kiroku.sensor.linux.procfs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Against the live /proc: the test JVM itself and a child sleep. */
class ProcFsLiveTest {

    private final ProcFs proc = new ProcFs();

    @Test
    void snapshotsTheTestJvm() throws Exception {
        int self = (int) ProcessHandle.current().pid();
        ProcessSnapshot s = proc.snapshot(self).orElseThrow();
        assertThat(s.pid()).isEqualTo(self);
        assertThat(s.ppid()).isEqualTo((int) ProcessHandle.current().parent().orElseThrow().pid());
        assertThat(s.exe()).isEqualTo(Path.of(ProcessHandle.current().info().command().orElseThrow()).toRealPath().toString());
        assertThat(s.cwd()).isEqualTo(Path.of("").toAbsolutePath().toRealPath().toString());
        assertThat(s.argv()).isNotEmpty();
        assertThat(s.argv().getFirst()).endsWith("java");
        assertThat(s.kernelThread()).isFalse();
        assertThat(s.uid()).isEqualTo(readUid());
        assertThat(s.nsPids()).isNotEmpty().last().isNotNull();
        assertThat(s.nsPids().getFirst()).isEqualTo(self);
        assertThat(s.pidNamespace()).isEqualTo(nsInode("/proc/self/ns/pid"));
        assertThat(s.mountNamespace()).isEqualTo(nsInode("/proc/self/ns/mnt"));
        assertThat(s.netNamespace()).isEqualTo(nsInode("/proc/self/ns/net"));
        assertThat(s.unreadable()).isEmpty();
        // start time agrees with the JDK's view within the one-second resolution of btime
        Instant jdkStart = ProcessHandle.current().info().startInstant().orElseThrow();
        assertThat(Duration.between(jdkStart, s.startTime()).abs()).isLessThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void snapshotsAChildSleepAndItsStartTicksAreStable(@TempDir Path cwd) throws Exception {
        Process sleep = new ProcessBuilder("/bin/sleep", "30").directory(cwd.toFile()).start();
        try {
            int pid = (int) sleep.pid();
            ProcessSnapshot first = proc.snapshot(pid).orElseThrow();
            Thread.sleep(50);
            ProcessSnapshot second = proc.snapshot(pid).orElseThrow();
            assertThat(first.argv()).containsExactly("/bin/sleep", "30");
            assertThat(first.exe()).isEqualTo(Path.of("/bin/sleep").toRealPath().toString());
            assertThat(first.cwd()).isEqualTo(cwd.toRealPath().toString());
            assertThat(first.ppid()).isEqualTo((int) ProcessHandle.current().pid());
            assertThat(first.startTicks()).isPositive().isEqualTo(second.startTicks());
            assertThat(proc.startTicks(pid)).hasValue(first.startTicks());
            assertThat(first.comm()).isEqualTo("sleep");
            assertThat(first.pidNamespace()).isEqualTo(nsInode("/proc/self/ns/pid"));
            assertThat(proc.listPids()).contains(pid, (int) ProcessHandle.current().pid());
        } finally {
            sleep.destroyForcibly().waitFor();
        }
        // reaped: gone, and no exception
        assertThat(proc.snapshot((int) sleep.pid())).isEmpty();
    }

    @Test
    void kernelThreadsHaveNoArgvAndNoExe() {
        // kthreadd is pid 2 on every Linux with a normal init
        proc.snapshot(2).ifPresent(k -> {
            assertThat(k.kernelThread()).isTrue();
            assertThat(k.argv()).isEmpty();
            assertThat(k.exe()).isNull();
            assertThat(k.unreadable()).doesNotContain(ProcessSnapshot.Part.EXE);
        });
    }

    @Test
    void bootTimeIsInThePast() {
        assertThat(proc.bootTime()).hasValueSatisfying(b -> assertThat(b).isBefore(Instant.now()));
    }

    @Test
    void mountsIncludeTheRootFilesystem() throws Exception {
        Mounts mounts = Mounts.ofSelf();
        assertThat(mounts.all()).anySatisfy(m -> assertThat(m.mountPoint()).isEqualTo("/"));
        assertThat(mounts.containing("/proc/self")).hasValueSatisfying(m -> assertThat(m.fsType()).isEqualTo("proc"));
    }

    private static int readUid() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
            }
        }
        throw new AssertionError("no Uid line");
    }

    private static long nsInode(String link) throws Exception {
        String target = Files.readSymbolicLink(Path.of(link)).toString();
        return Long.parseLong(target.substring(target.indexOf('[') + 1, target.indexOf(']')));
    }

}
