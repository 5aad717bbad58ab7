package dev.kiroku.agent.enrich;

import dev.kiroku.agent.process.ProcFsProbe;
import dev.kiroku.agent.process.ProcessFacts;
import dev.kiroku.agent.process.ProcessProbe;
import dev.kiroku.agent.process.ProcessTable;
import dev.kiroku.event.Event;
import dev.kiroku.event.Incomplete;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.sensor.linux.audit.ExecActivity;
import dev.kiroku.sensor.linux.procfs.ProcFs;
import dev.kiroku.sensor.linux.procfs.UserNames;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recorder with the real /proc: a fork or an exec whose process's exit is already known (waiting in the reorder
 * buffer, or later in the same batch) is not looked up in /proc (the process is gone) and takes its parent's
 * namespaces; a new fork of the pid after the exit makes /proc the source again.
 */
class RecorderExitsTest {

    private final int self = (int) ProcessHandle.current().pid();
    private final ProcFsProbe real = new ProcFsProbe(new ProcFs(), new UserNames());
    private final CountingProbe probe = new CountingProbe(real);
    private final List<Event> events = new ArrayList<>();
    private final Recorder recorder = new Recorder("agent-1", "host", new ProcessTable("agent-1", Duration.ofSeconds(30)),
            probe, new ExecutableHasher(1L << 30, InstantSource.system()), events::add);

    @Test
    void an_exec_after_its_exit_takes_the_parents_namespaces_without_reading_proc() throws Exception {
        Process gone = new ProcessBuilder("/bin/true").start();
        assertThat(gone.waitFor()).isZero();
        int pid = (int) gone.pid();
        Instant now = Instant.now();
        recorder.observe(new Observation.Fork(self, pid, now, 0), now);
        recorder.observe(new Observation.Exit(pid, 0, 0, now), now);
        recorder.observe(new Observation.Audit(exec(pid, now)), now);

        Event start = events.stream().filter(e -> e.payload() instanceof ProcessStart).findFirst().orElseThrow();
        ProcessInfo process = ((ProcessStart) start.payload()).process();
        assertThat(process.pid()).isEqualTo(pid);
        assertThat(process.args()).containsExactly("/bin/true", "marker");
        assertThat(process.namespaces()).isEqualTo(real.namespaces(self));
        assertThat(start.incomplete()).doesNotContain(Incomplete.NAMESPACES);
        assertThat(probe.namespaceReads(pid)).isZero();

        recorder.drainAll();
        Event exit = events.stream().filter(e -> e.payload() instanceof ProcessExit).findFirst().orElseThrow();
        assertThat(((ProcessExit) exit.payload()).process().entityId()).isEqualTo(process.entityId());
    }

    @Test
    void a_batch_whose_exit_follows_the_fork_and_exec_reads_nothing_of_the_gone_process() throws Exception {
        Process gone = new ProcessBuilder("/bin/true").start();
        assertThat(gone.waitFor()).isZero();
        int pid = (int) gone.pid();
        Instant now = Instant.now();
        List<Observation> batch = List.of(new Observation.Fork(self, pid, now, 0), new Observation.Audit(exec(pid, now)),
                new Observation.Exit(pid, 0, 0, now));
        recorder.expectExits(batch);
        for (Observation observation : batch) recorder.observe(observation, now);

        Event start = events.stream().filter(e -> e.payload() instanceof ProcessStart).findFirst().orElseThrow();
        ProcessInfo process = ((ProcessStart) start.payload()).process();
        assertThat(process.namespaces()).isEqualTo(real.namespaces(self));
        assertThat(process.parent().pid()).isEqualTo(self);
        assertThat(probe.namespaceReads(pid)).isZero();
        assertThat(probe.startTicksReads(pid)).isZero();
        recorder.drainAll();
        Event exit = events.stream().filter(e -> e.payload() instanceof ProcessExit).findFirst().orElseThrow();
        assertThat(((ProcessExit) exit.payload()).process().entityId()).isEqualTo(process.entityId());
    }

    @Test
    void a_new_fork_of_a_pid_whose_old_exit_waits_reads_proc_again() throws Exception {
        Process alive = new ProcessBuilder("/bin/sleep", "30").start();
        try {
            int pid = (int) alive.pid();
            Instant now = Instant.now();
            recorder.observe(new Observation.Exit(pid, 0, 0, now), now); // an earlier process with the same pid
            recorder.observe(new Observation.Fork(self, pid, now, 0), now);
            recorder.observe(new Observation.Audit(exec(pid, now)), now);

            Event start = events.stream().filter(e -> e.payload() instanceof ProcessStart).findFirst().orElseThrow();
            assertThat(((ProcessStart) start.payload()).process().namespaces()).isEqualTo(real.namespaces(pid));
            assertThat(probe.namespaceReads(pid)).isEqualTo(1);
        } finally {
            alive.destroy();
            alive.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void an_exec_queued_before_the_kernels_fork_and_exec_records_takes_their_start_time_and_namespaces() throws Exception {
        Process gone = new ProcessBuilder("/bin/true").start();
        assertThat(gone.waitFor()).isZero();
        int pid = (int) gone.pid();
        Instant now = Instant.now();
        ProcessInfo.Namespaces mine = real.namespaces(self);
        long cgroupId = cgroupIdOf(mine.cgroup());
        KernelIds ids = new KernelIds(cgroupId, mine.pidNamespace(), mine.mountNamespace(), mine.netNamespace());
        long ticks = 1234567;
        // audit's record first, as when its reader was quicker: the batch's preview tells the recorder what the kernel saw
        List<Observation> batch = List.of(new Observation.Audit(exec(pid, now)), new Observation.Fork(self, pid, now, 0, ticks, ids),
                new Observation.Exec(pid, now, ticks, ids, null, null));
        recorder.preview(batch);
        for (Observation o : batch) recorder.observe(o, now);

        ProcessInfo process = events.stream().filter(e -> e.payload() instanceof ProcessStart)
                .map(e -> ((ProcessStart) e.payload()).process()).filter(p -> p.pid() == pid).findFirst().orElseThrow();
        assertThat(process.entityId()).isEqualTo(dev.kiroku.event.EntityIds.process("agent-1", pid, ticks));
        assertThat(process.namespaces()).isEqualTo(mine);
        assertThat(probe.namespaceReads(pid)).isZero();
        assertThat(probe.startTicksReads(pid)).isZero();
        assertThat(recorder.execsFromKernel()).isEqualTo(1);
    }

    /**
     * An exit overdue when the next batch comes (the recorder was held up), with its process's exec later in that batch
     * (CI 101 lost 2 of 201 exits this way): the exec is taken first, and the exit is of the exec'd image.
     */
    @Test
    void an_overdue_exit_waits_for_the_exec_later_in_the_next_batch() throws Exception {
        Process gone = new ProcessBuilder("/bin/true").start();
        assertThat(gone.waitFor()).isZero();
        int pid = (int) gone.pid();
        Instant first = Instant.now();
        List<Observation> batch = List.of(new Observation.Fork(self, pid, first, 0), new Observation.Exit(pid, 0, 0, first));
        recorder.preview(batch);
        for (Observation o : batch) recorder.observe(o, first);
        recorder.drain(first);

        Instant later = first.plus(Recorder.REORDER_DELAY).plusSeconds(1);
        List<Observation> next = List.of(new Observation.Fork(self, 999_999_999, later, 0), new Observation.Audit(exec(pid, first)));
        recorder.preview(next);
        for (Observation o : next) recorder.observe(o, later);
        recorder.drain(later);

        Event exit = events.stream().filter(e -> e.payload() instanceof ProcessExit x && x.process().pid() == pid)
                .findFirst().orElseThrow();
        assertThat(((ProcessExit) exit.payload()).process().args()).containsExactly("/bin/true", "marker");
    }

    @Test
    void a_batch_puts_the_process_feeds_forks_and_execs_before_the_other_sources_records_each_in_its_order() {
        Instant now = Instant.now();
        Observation audit = new Observation.Audit(exec(11, now));
        Observation exit = new Observation.Exit(12, 0, 0, now);
        Observation fork = new Observation.Fork(self, 13, now, 0);
        Observation exec = new Observation.Exec(13, now, -1, null, exec(13, now), null);
        Observation laterFork = new Observation.Fork(self, 14, now, 0);
        List<Observation> batch = new ArrayList<>(List.of(audit, exit, fork, exec, laterFork));

        Recorder.processRecordsFirst(batch);

        assertThat(batch).containsExactly(fork, exec, laterFork, audit, exit);
    }

    /**
     * Kernel workers are forked by kthreadd (pid 2), a kernel thread /proc never gives a process of: its entry is read
     * for the first such fork only, and the children are the same without it. A gone parent is read again once its pid
     * was forked anew.
     */
    @Test
    void a_parent_that_proc_does_not_show_is_read_once_until_its_pid_is_forked_anew() throws Exception {
        Instant now = Instant.now();
        int kthreadd = 2;
        recorder.observe(new Observation.Fork(kthreadd, 999_999_901, now, 0), now);
        recorder.observe(new Observation.Fork(kthreadd, 999_999_902, now, 0), now);
        assertThat(probe.reads(kthreadd)).isEqualTo(1);

        Process gone = new ProcessBuilder("/bin/true").start();
        assertThat(gone.waitFor()).isZero();
        int parent = (int) gone.pid();
        recorder.observe(new Observation.Fork(parent, 999_999_903, now, 0), now);
        recorder.observe(new Observation.Fork(parent, 999_999_904, now, 0), now);
        assertThat(probe.reads(parent)).isEqualTo(1);
        recorder.observe(new Observation.Fork(self, parent, now, 0), now); // the pid is a new process's now
        recorder.observe(new Observation.Exit(parent, 0, 0, now), now);
        recorder.observe(new Observation.Fork(999_999_905, 999_999_906, now, 0), now);
        recorder.observe(new Observation.Fork(999_999_905, 999_999_907, now, 0), now);
        assertThat(probe.reads(999_999_905)).isEqualTo(1);

        for (int child : new int[]{999_999_901, 999_999_902}) {
            recorder.observe(new Observation.Exit(child, 0, 0, now), now);
        }
        recorder.drainAll();
        List<ProcessInfo> workers = events.stream().filter(e -> e.payload() instanceof ProcessExit x && x.process().pid() > 999_999_900)
                .map(e -> ((ProcessExit) e.payload()).process()).toList();
        assertThat(workers).hasSize(2).allSatisfy(worker -> {
            assertThat(worker.parent().pid()).isEqualTo(kthreadd);
            assertThat(worker.parent().entityId()).isNull();
            assertThat(worker.executable()).isNull();
        });
    }

    /** The cgroup v2 id of a cgroup path: the inode of its directory under the cgroup2 mount. */
    private static long cgroupIdOf(String cgroup) throws Exception {
        String mountPoint = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/mounts")).stream()
                .map(l -> l.split(" ")).filter(f -> f[2].equals("cgroup2")).map(f -> f[1]).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(mountPoint != null && cgroup != null, "needs a cgroup v2 mount");
        return (Long) java.nio.file.Files.getAttribute(java.nio.file.Path.of(mountPoint + cgroup), "unix:ino");
    }

    private ExecActivity exec(int pid, Instant time) {
        return new ExecActivity(time, 1, pid, self, 0, 0, 0, 0, 0, -1, null, "true", "/bin/true",
                List.of("/bin/true", "marker"), true, "/", true, 0);
    }

    /** The real probe, counting namespace reads per pid. */
    private static final class CountingProbe implements ProcessProbe {
        private final ProcessProbe probe;
        private final ConcurrentHashMap<Integer, Integer> namespaceReads = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<Integer, Integer> startTicksReads = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<Integer, Integer> reads = new ConcurrentHashMap<>();

        CountingProbe(ProcessProbe probe) {
            this.probe = probe;
        }

        int namespaceReads(int pid) {
            return namespaceReads.getOrDefault(pid, 0);
        }

        int startTicksReads(int pid) {
            return startTicksReads.getOrDefault(pid, 0);
        }

        @Override
        public List<Integer> pids() {
            return probe.pids();
        }

        int reads(int pid) {
            return reads.getOrDefault(pid, 0);
        }

        @Override
        public Optional<ProcessFacts> read(int pid) {
            reads.merge(pid, 1, Integer::sum);
            return probe.read(pid);
        }

        @Override
        public long startTicks(int pid) {
            startTicksReads.merge(pid, 1, Integer::sum);
            return probe.startTicks(pid);
        }

        @Override
        public long startTicksFromForkTime(long forkMonotonicNanos) {
            return probe.startTicksFromForkTime(forkMonotonicNanos);
        }

        @Override
        public ProcessInfo.Namespaces namespaces(int pid) {
            namespaceReads.merge(pid, 1, Integer::sum);
            return probe.namespaces(pid);
        }

        @Override
        public ProcessInfo.Namespaces namespaces(int pid, long cgroupId, long pidNamespace, long mountNamespace, long netNamespace) {
            return probe.namespaces(pid, cgroupId, pidNamespace, mountNamespace, netNamespace);
        }

        @Override
        public Instant startTime(long startTicks) {
            return probe.startTime(startTicks);
        }

        @Override
        public String userName(int uid) {
            return probe.userName(uid);
        }
    }
}
