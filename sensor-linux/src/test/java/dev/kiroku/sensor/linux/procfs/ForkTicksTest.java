package dev.kiroku.sensor.linux.procfs;

import dev.kiroku.sensor.linux.RootAssumptions;
import dev.kiroku.sensor.linux.proc.ForkNotice;
import dev.kiroku.sensor.linux.proc.ProcConnectorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ForkTicksTest {

    @Test
    void a_time_within_the_guard_after_a_tick_boundary_is_not_trusted() {
        ForkTicks ticks = new ForkTicks(100);
        long tick = 10_000_000L;
        assertThat(ticks.ticksAt(42 * tick)).isEqualTo(-1);
        assertThat(ticks.ticksAt(42 * tick + ForkTicks.GUARD_NANOS - 1)).isEqualTo(-1);
        assertThat(ticks.ticksAt(42 * tick + ForkTicks.GUARD_NANOS)).isEqualTo(42);
        assertThat(ticks.ticksAt(43 * tick - 1)).isEqualTo(42);
        assertThatThrownBy(() -> new ForkTicks(7)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_first_call_and_unknown_times_say_read_proc() {
        ForkTicks ticks = new ForkTicks();
        assertThat(ticks.ticks(0)).isEqualTo(-1);
        assertThat(ticks.ticks(System.nanoTime())).as("first call: the clocks' offset is new").isEqualTo(-1);
        assertThat(ticks.ticks(System.nanoTime() - 1_000_000_000L)).as("a fork from before the offset was seen").isEqualTo(-1);
    }

    /**
     * Real forks: 300 children of one shell (each ended by the test once compared); the ticks computed from each fork
     * notice's time equal field 22 of the child's /proc/PID/stat whenever they are given.
     */
    @Test
    void ticks_from_fork_notices_equal_the_start_ticks_in_proc() throws Exception {
        RootAssumptions.assumeRootOnLinux();
        ConcurrentLinkedQueue<ForkNotice> forks = new ConcurrentLinkedQueue<>();
        ProcFs proc = new ProcFs();
        ForkTicks ticks = new ForkTicks();
        List<long[]> compared = new ArrayList<>();
        int unsure = 0;
        Process shell = null;
        try (ProcConnectorSource source = ProcConnectorSource.forkAndExit()) {
            source.start(n -> {
                if (n instanceof ForkNotice f) forks.add(f);
            });
            ticks.ticks(System.nanoTime()); // learns the clocks' offset
            shell = new ProcessBuilder("/bin/bash", "-c", "for i in $(seq 300); do /bin/sleep 20 & done; wait").start();
            long shellPid = shell.pid();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && forks.stream().filter(f -> f.ppid() == shellPid).count() < 300) {
                Thread.sleep(20);
            }
            for (ForkNotice f : forks) {
                if (f.ppid() != shellPid) continue;
                long computed = ticks.ticks(f.monotonicNanos());
                OptionalLong fromProc = proc.startTicks(f.pid());
                if (fromProc.isEmpty()) continue;
                if (computed < 0) unsure++;
                else compared.add(new long[] {f.pid(), computed, fromProc.getAsLong()});
                ProcessHandle.of(f.pid()).ifPresent(ProcessHandle::destroy);
            }
            assertThat(shell.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            if (shell != null) shell.destroyForcibly();
        }
        assertThat(compared.size() + unsure).as("children seen alive").isGreaterThanOrEqualTo(280);
        assertThat(compared).as("most forks need no /proc read").hasSizeGreaterThan((compared.size() + unsure) * 3 / 4);
        System.out.println("ForkTicksTest: " + compared.size() + " forks computed, " + unsure + " read from /proc");
        for (long[] c : compared) {
            assertThat(c[1]).as("pid %d: ticks from the fork notice vs /proc", c[0]).isEqualTo(c[2]);
        }
    }
}
