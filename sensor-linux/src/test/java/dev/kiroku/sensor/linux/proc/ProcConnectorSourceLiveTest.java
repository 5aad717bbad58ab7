package dev.kiroku.sensor.linux.proc;

import dev.kiroku.sensor.linux.RootAssumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ProcConnectorSourceLiveTest {

    @Test
    void sees_fork_exec_and_exit_of_a_child_with_its_exit_code() throws Exception {
        RootAssumptions.assumeRootOnLinux();
        ConcurrentLinkedQueue<ProcNotice> seen = new ConcurrentLinkedQueue<>();
        Instant before = Instant.now().minusSeconds(1);
        long shellPid;
        int grandchild;
        try (ProcConnectorSource source = new ProcConnectorSource()) {
            source.start(seen::add);
            // the shell forks a child that execs /bin/sh -c 'exit 7'
            Process p = new ProcessBuilder("/bin/sh", "-c", "/bin/sh -c 'exit 7'; echo $!; exit 3").start();
            assertThat(p.waitFor()).isEqualTo(3);
            shellPid = p.pid();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && seen.stream().noneMatch(n -> n instanceof ExitNotice e && e.pid() == shellPid)) {
                Thread.sleep(50);
            }
            assertThat(source.status().overruns()).isZero();
        }
        List<ProcNotice> mine = seen.stream().filter(n -> switch (n) {
            case ForkNotice f -> f.pid() == shellPid || f.ppid() == shellPid;
            case ExecNotice e -> e.pid() == shellPid;
            case ExitNotice e -> e.pid() == shellPid;
            case ProcLossNotice l -> false;
        }).toList();
        assertThat(mine).anySatisfy(n -> assertThat(n).isInstanceOfSatisfying(ForkNotice.class,
                f -> assertThat(f.pid()).isEqualTo((int) shellPid)));
        assertThat(mine).anySatisfy(n -> assertThat(n).isInstanceOfSatisfying(ExecNotice.class,
                e -> assertThat(e.pid()).isEqualTo((int) shellPid)));
        assertThat(mine).anySatisfy(n -> assertThat(n).isInstanceOfSatisfying(ExitNotice.class, e -> {
            assertThat(e.pid()).isEqualTo((int) shellPid);
            assertThat(e.exitCode()).isEqualTo(3);
            assertThat(e.signal()).isZero();
        }));
        // the shell's own child: fork with ppid = shell, and its exit with code 7
        ForkNotice childFork = mine.stream().filter(n -> n instanceof ForkNotice f && f.ppid() == shellPid)
                .map(n -> (ForkNotice) n).findFirst().orElseThrow();
        grandchild = childFork.pid();
        int child = grandchild;
        assertThat(seen.stream().filter(x -> x instanceof ExitNotice e && e.pid() == child).map(x -> ((ExitNotice) x).exitCode()))
                .containsExactly(7);
        for (ProcNotice n : mine) {
            Instant t = switch (n) {
                case ForkNotice f -> f.time();
                case ExecNotice e -> e.time();
                case ExitNotice e -> e.time();
                case ProcLossNotice l -> l.time();
            };
            assertThat(t).isBetween(before, Instant.now().plus(Duration.ofSeconds(1)));
        }
    }

    @Test
    void a_fork_and_exit_source_gets_no_exec_notices_from_the_kernel() throws Exception {
        RootAssumptions.assumeRootOnLinux();
        ConcurrentLinkedQueue<ProcNotice> seen = new ConcurrentLinkedQueue<>();
        long shellPid;
        try (ProcConnectorSource source = ProcConnectorSource.forkAndExit()) {
            source.start(seen::add);
            Process p = new ProcessBuilder("/bin/sh", "-c", "/bin/true; exit 4").start();
            assertThat(p.waitFor()).isEqualTo(4);
            shellPid = p.pid();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && seen.stream().noneMatch(n -> n instanceof ExitNotice e && e.pid() == shellPid)) {
                Thread.sleep(50);
            }
            assertThat(source.status().overruns()).isZero();
        }
        assertThat(seen).anySatisfy(n -> assertThat(n).isInstanceOfSatisfying(ForkNotice.class,
                f -> assertThat(f.pid()).isEqualTo((int) shellPid)));
        assertThat(seen).anySatisfy(n -> assertThat(n).isInstanceOfSatisfying(ExitNotice.class,
                e -> assertThat(e.exitCode()).isEqualTo(4)));
        // the kernel filters them by event type (the proc connector of this machine's kernel does): none from any process
        assertThat(seen).noneMatch(n -> n instanceof ExecNotice);
    }
}
