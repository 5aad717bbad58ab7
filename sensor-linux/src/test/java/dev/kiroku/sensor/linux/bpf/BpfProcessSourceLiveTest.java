package dev.kiroku.sensor.linux.bpf;

import dev.kiroku.sensor.linux.RootAssumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BpfProcessSourceLiveTest {

    @Test
    void sees_fork_exec_and_exit_of_real_processes_with_pids_parents_start_times_and_exit_codes() throws Exception {
        assumeBpf();
        ConcurrentLinkedQueue<ProcessRecord> seen = new ConcurrentLinkedQueue<>();
        Instant before = Instant.now().minusSeconds(1);
        int self = (int) ProcessHandle.current().pid();
        long shellPid;
        long sleeperTicks;
        int sleeperPid;
        try (BpfProcessSource source = new BpfProcessSource()) {
            source.start(seen::add);
            // the shell forks a child that execs /bin/sh -c 'exit 7', one killed by SIGKILL, and a sleeper it reports
            Process p = new ProcessBuilder("/bin/sh", "-c",
                    "/bin/sh -c 'exit 7'; /bin/sh -c 'kill -9 $$'; /bin/sleep 30 & echo $!; read x; kill $!; exit 3").start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
            sleeperPid = Integer.parseInt(out.readLine().trim());
            sleeperTicks = Long.parseLong(Files.readString(Path.of("/proc/" + sleeperPid + "/stat")).split("\\) ")[1].split(" ")[19]);
            p.getOutputStream().write('\n');
            p.getOutputStream().close();
            assertThat(p.waitFor()).isEqualTo(3);
            shellPid = p.pid();
            awaitRecord(source, seen, r -> r.kind() == ProcessRecord.Kind.EXIT && r.pid() == shellPid);
            assertThat(source.status().dropped()).isZero();
            assertThat(source.status().malformed()).isZero();
        }
        List<ProcessRecord> shell = seen.stream().filter(r -> r.pid() == shellPid).toList();
        assertThat(shell).anySatisfy(r -> {
            assertThat(r.kind()).isEqualTo(ProcessRecord.Kind.FORK);
            assertThat(r.ppid()).isEqualTo(self);
        });
        assertThat(shell).anySatisfy(r -> {
            assertThat(r.kind()).isEqualTo(ProcessRecord.Kind.EXEC);
            assertThat(r.comm()).isEqualTo("sh");
            assertThat(r.pidNamespace()).isEqualTo(nsInode("pid"));
            assertThat(r.mountNamespace()).isEqualTo(nsInode("mnt"));
            assertThat(r.netNamespace()).isEqualTo(nsInode("net"));
        });
        assertThat(shell).filteredOn(r -> r.kind() == ProcessRecord.Kind.EXIT).singleElement().satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(r.signal()).isZero();
        });
        List<ProcessRecord> children = seen.stream().filter(r -> r.kind() == ProcessRecord.Kind.FORK && r.ppid() == shellPid).toList();
        assertThat(children).hasSizeGreaterThanOrEqualTo(3);
        List<Integer> exitCodes = new ArrayList<>();
        for (ProcessRecord child : children) {
            seen.stream().filter(r -> r.kind() == ProcessRecord.Kind.EXIT && r.pid() == child.pid())
                    .forEach(r -> exitCodes.add(r.signal() != 0 ? -r.signal() : r.exitCode()));
        }
        assertThat(exitCodes).contains(7, -9, -15); // exit 7, SIGKILL, and the sleeper's SIGTERM
        // the sleeper's start time is /proc's to the tick: the record's start ticks are the entity id's
        assertThat(seen).anySatisfy(r -> {
            assertThat(r.kind()).isEqualTo(ProcessRecord.Kind.FORK);
            assertThat(r.pid()).isEqualTo(sleeperPid);
            assertThat(BpfProcessSource.startTicks(r.startBoottimeNanos())).isEqualTo(sleeperTicks);
        });
        for (ProcessRecord r : shell) {
            assertThat(r.time()).isBetween(before, Instant.now().plusSeconds(1));
        }
    }

    @Test
    void a_thread_is_not_a_process_and_a_process_ends_with_its_last_thread() throws Exception {
        assumeBpf();
        ConcurrentLinkedQueue<ProcessRecord> seen = new ConcurrentLinkedQueue<>();
        int self = (int) ProcessHandle.current().pid();
        try (BpfProcessSource source = new BpfProcessSource()) {
            source.start(seen::add);
            Thread t = Thread.ofPlatform().start(() -> { });
            t.join();
            Process p = new ProcessBuilder("/bin/true").start();
            assertThat(p.waitFor()).isZero();
            awaitRecord(source, seen, r -> r.kind() == ProcessRecord.Kind.EXIT && r.pid() == p.pid());
        }
        assertThat(seen).noneMatch(r -> r.pid() == self && r.kind() != ProcessRecord.Kind.EXEC);
    }

    @Test
    void leaves_no_program_attached_after_kill_9() throws Exception {
        assumeBpf();
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/bpftool")), "needs bpftool (Debian package bpftool) to list programs");
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> before = kirokuPrograms();
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                HoldingMain.class.getName()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
            assertThat(out.readLine()).isEqualTo("attached");
            List<String> owned = new ArrayList<>(kirokuPrograms());
            owned.removeAll(before);
            assertThat(owned).hasSize(3);
            child.destroyForcibly(); // SIGKILL: no stop(), no close()
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            List<String> left = programIds();
            while (left.stream().anyMatch(owned::contains) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                left = programIds();
            }
            assertThat(left).doesNotContainAnyElementsOf(owned);
        } finally {
            child.destroyForcibly();
        }
    }

    /** Starts the source and waits to be killed (the kill -9 test's child). */
    public static final class HoldingMain {
        public static void main(String[] args) throws Exception {
            BpfProcessSource source = new BpfProcessSource();
            source.start(r -> { });
            System.out.println("attached");
            System.out.flush();
            Thread.sleep(120_000);
        }
    }

    /** Ids of the loaded programs named kiroku_* ({@code bpftool prog show}: "59: tracing  name kiroku_fork  tag …"). */
    private static List<String> kirokuPrograms() throws Exception {
        return bpftool().stream().filter(l -> l.contains(" name kiroku_")).map(l -> l.substring(0, l.indexOf(':'))).toList();
    }

    private static List<String> programIds() throws Exception {
        return bpftool().stream().filter(l -> !l.startsWith(" ") && !l.startsWith("\t") && l.contains(":"))
                .map(l -> l.substring(0, l.indexOf(':'))).toList();
    }

    private static List<String> bpftool() throws Exception {
        Process p = new ProcessBuilder("/usr/sbin/bpftool", "prog", "show").redirectErrorStream(true).start();
        List<String> lines = new BufferedReader(new InputStreamReader(p.getInputStream())).lines().toList();
        assertThat(p.waitFor()).isZero();
        return lines;
    }

    private static void awaitRecord(BpfProcessSource source, ConcurrentLinkedQueue<ProcessRecord> seen,
                                    Predicate<ProcessRecord> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && seen.stream().noneMatch(wanted)) {
            source.pull();
            Thread.sleep(20);
        }
        assertThat(seen).anyMatch(wanted);
    }

    private static long nsInode(String kind) throws Exception {
        String link = Files.readSymbolicLink(Path.of("/proc/self/ns/" + kind)).toString();
        return Long.parseLong(link.substring(link.indexOf('[') + 1, link.length() - 1));
    }

    private static void assumeBpf() {
        RootAssumptions.assumeRootOnLinux();
        assumeTrue(BpfProcessSource.unavailable().isEmpty(), () -> "BPF process sensor unavailable: " + BpfProcessSource.unavailable().orElse(""));
    }
}
