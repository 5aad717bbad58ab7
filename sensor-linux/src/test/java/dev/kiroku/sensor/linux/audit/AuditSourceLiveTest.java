package dev.kiroku.sensor.linux.audit;

import dev.kiroku.sensor.linux.RootAssumptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs real processes and sockets against the real kernel audit subsystem. Holds {@link AuditLock}. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AuditSourceLiveTest {

    private static AuditLock lock;

    @BeforeAll
    static void lock() throws Exception {
        RootAssumptions.assumeRootOnLinux();
        lock = AuditLock.acquire(Duration.ofMinutes(5));
    }

    @AfterAll
    static void unlock() throws IOException {
        if (lock != null) {
            lock.close();
        }
    }

    private static AuditStatus kernelStatus() throws IOException {
        try (AuditControl control = AuditControl.open()) {
            return control.status();
        }
    }

    private static List<AuditRule> kirokuRules(String key) throws IOException {
        try (AuditControl control = AuditControl.open()) {
            return control.listRules().stream().filter(r -> r.hasKey(key)).toList();
        }
    }

    private static List<AuditRule> exclusions() throws IOException {
        try (AuditControl control = AuditControl.open()) {
            return control.listRules().stream().filter(r -> r.list() == AuditRule.FILTER_EXCLUDE).toList();
        }
    }

    private static final List<AuditRule> KIROKU_EXCLUSIONS = KirokuAuditRules.EXCLUDED_WHILE_DAEMON.stream()
            .map(AuditRule::excludeRecordType).toList();

    private static AuditSource startOrSkip(AuditSourceConfig config, ConcurrentLinkedQueue<AuditActivity> seen) throws IOException {
        AuditSource source = new AuditSource(config, java.time.InstantSource.system());
        try {
            source.start(seen::add);
        } catch (AuditControlException e) {
            assumeTrue(false, "kernel refused audit control: " + e.getMessage());
        }
        return source;
    }

    @Test
    void a_multicast_reader_keeps_its_own_rules_and_never_removes_the_owners(@TempDir Path ownerState, @TempDir Path readerState)
            throws Exception {
        ConcurrentLinkedQueue<AuditActivity> ownerSeen = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<AuditActivity> readerSeen = new ConcurrentLinkedQueue<>();
        AuditSource owner = startOrSkip(AuditSourceConfig.defaults(ownerState), ownerSeen);
        try {
            assumeTrue(owner.status().mode() == AuditMode.DAEMON, "another process is the audit daemon");
            int ownerRules = kirokuRules(owner.ruleKey()).size();
            assertThat(ownerRules).isPositive();
            AuditSource reader = startOrSkip(AuditSourceConfig.defaults(readerState), readerSeen);
            try {
                assertThat(reader.status().mode()).isEqualTo(AuditMode.MULTICAST);
                assertThat(reader.ruleKey()).isEqualTo("kiroku-" + ProcessHandle.current().pid());
                assertThat(kirokuRules(reader.ruleKey())).hasSize(reader.status().rulesInstalled());
                assertThat(kirokuRules(owner.ruleKey())).hasSize(ownerRules);
            } finally {
                reader.stop();
            }
            assertThat(kirokuRules(reader.ruleKey())).isEmpty();
            assertThat(kirokuRules(owner.ruleKey())).as("the owner's rules after the reader stopped").hasSize(ownerRules);

            String marker = "kiroku-owner-" + UUID.randomUUID().toString().substring(0, 8);
            new ProcessBuilder("/bin/true", marker).start().waitFor();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && ownerSeen.stream().noneMatch(a -> a instanceof ExecActivity e
                    && e.argv().size() > 1 && marker.equals(e.argv().get(1)))) {
                Thread.sleep(100);
            }
            assertThat(ownerSeen).as("the owner still records execs").anyMatch(a -> a instanceof ExecActivity e
                    && e.argv().size() > 1 && marker.equals(e.argv().get(1)));
        } finally {
            owner.stop();
        }
        assertThat(kirokuRules(owner.ruleKey())).isEmpty();
    }

    @Test
    void without_exec_rules_the_kernel_has_no_execve_rule_and_sockets_are_still_reported(@TempDir Path withExecs,
                                                                                      @TempDir Path withoutExecs)
            throws Exception {
        List<Integer> execSyscalls = List.of(59, 322);
        AuditSource full = startOrSkip(AuditSourceConfig.defaults(withExecs), new ConcurrentLinkedQueue<>());
        try {
            assumeTrue(full.status().mode() == AuditMode.DAEMON, "another process is the audit daemon");
            assertThat(kirokuRules(full.ruleKey())).anyMatch(r -> r.syscalls().containsAll(execSyscalls));
        } finally {
            full.stop();
        }
        ConcurrentLinkedQueue<AuditActivity> seen = new ConcurrentLinkedQueue<>();
        AuditSource socketsOnly = startOrSkip(AuditSourceConfig.defaults(withoutExecs).withoutExecRules(), seen);
        try {
            List<AuditRule> installed = kirokuRules(socketsOnly.ruleKey());
            assertThat(installed).isNotEmpty().noneMatch(r -> r.syscalls().stream().anyMatch(execSyscalls::contains));
            String marker = "kiroku-noexec-" + UUID.randomUUID().toString().substring(0, 8);
            int port;
            try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                port = server.getLocalPort();
                new ProcessBuilder("/bin/true", marker).start().waitFor();
                // the audit daemon's own process is never audited: a child shell connects
                Process shell = new ProcessBuilder("/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port + " && exec 3<&-")
                        .inheritIO().start();
                assertThat(shell.waitFor()).isZero();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < deadline && seen.stream().noneMatch(a -> isConnectTo(a, port))) Thread.sleep(100);
            }
            assertThat(seen).anyMatch(a -> isConnectTo(a, port));
            assertThat(seen).noneMatch(a -> a instanceof ExecActivity e && e.argv().contains(marker));
        } finally {
            socketsOnly.stop();
        }
        assertThat(kirokuRules(socketsOnly.ruleKey())).isEmpty();
    }

    private static boolean isConnectTo(AuditActivity activity, int port) {
        return activity instanceof SocketActivity s && "connect".equals(s.syscall()) && s.port() == port;
    }

    @Test
    void rules_of_a_reader_that_is_gone_are_removed_at_the_next_start(@TempDir Path state) throws Exception {
        Process gone = new ProcessBuilder("/bin/true").start();
        gone.waitFor();
        String deadKey = "kiroku-" + gone.pid();
        AuditRule orphan = KirokuAuditRules.rules(deadKey, false, true).getFirst();
        try (AuditControl control = AuditControl.open()) {
            control.addRule(orphan);
        }
        assumeTrue(ProcessHandle.of(gone.pid()).isEmpty(), "the pid was reused at once");
        try {
            assertThat(kirokuRules(deadKey)).hasSize(1);
            AuditSource source = startOrSkip(AuditSourceConfig.defaults(state), new ConcurrentLinkedQueue<>());
            source.stop();
            assertThat(kirokuRules(deadKey)).isEmpty();
        } finally {
            try (AuditControl control = AuditControl.open()) {
                control.deleteRulesWithKey(deadKey);
            }
        }
    }

    @Test
    void captures_exact_argv_of_odd_execs_and_loopback_connects_then_restores_kernel_state(@TempDir Path state)
            throws Exception {
        AuditStatus before = kernelStatus();
        String key = "kiroku";
        ConcurrentLinkedQueue<AuditActivity> seen = new ConcurrentLinkedQueue<>();
        AuditSource source = startOrSkip(AuditSourceConfig.defaults(state), seen);
        Map<String, List<String>> expected = new ConcurrentHashMap<>();
        int serverPort;
        long myPid = ProcessHandle.current().pid();
        long connectingPid = -1;
        try {
            AuditSourceStatus running = source.status();
            assertThat(running.mode()).isIn(AuditMode.DAEMON, AuditMode.MULTICAST);
            assertThat(kirokuRules(source.ruleKey())).hasSize(running.rulesInstalled());
            if (running.mode() == AuditMode.DAEMON) {
                assertThat(exclusions()).as("PROCTITLE and PATH excluded while Kiroku is the daemon")
                        .containsAll(KIROKU_EXCLUSIONS);
                AuditStatus k = kernelStatus();
                assertThat(k.pid()).isEqualTo(myPid);
                assertThat(k.enabled()).isEqualTo(1);
                assertThat(k.backlogWaitTime()).isZero();
                assertThat(k.backlogLimit()).isGreaterThanOrEqualTo(16_384);
            }

            String run = UUID.randomUUID().toString().substring(0, 8);
            String big = "B".repeat(100_000);
            for (int i = 0; i < 200; i++) {
                List<String> argv = new ArrayList<>(List.of("/bin/true", "kiroku-test-" + run + "-" + i, "with space",
                        "q\"uote'single", "new\nline", "tab\there", "", "unicodé ✓"));
                if (i % 50 == 0) {
                    argv.add(big);
                }
                expected.put("kiroku-test-" + run + "-" + i, argv);
                Process p = new ProcessBuilder(argv).start();
                p.waitFor();
            }

            // The kernel never audits the registered audit daemon's own process (auditd_test_task), so in daemon
            // mode this JVM's own connects are invisible: the connects come from a child shell.
            try (ServerSocket server = new ServerSocket(0, 100, InetAddress.getByName("127.0.0.1"))) {
                serverPort = server.getLocalPort();
                Thread acceptor = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 50; i++) {
                        try (Socket s = server.accept()) {
                            s.getInputStream().read();
                        } catch (IOException e) {
                            return;
                        }
                    }
                });
                Process shell = new ProcessBuilder("/bin/bash", "-c",
                        "for i in $(seq 50); do exec 3<>/dev/tcp/127.0.0.1/" + serverPort + " && exec 3<&-; done")
                        .inheritIO().start();
                assertThat(shell.waitFor()).isZero();
                connectingPid = shell.pid();
                acceptor.join(10_000);
            }

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && (execsFound(seen, expected) < 200 || connects(seen, connectingPid, serverPort) < 50)) {
                Thread.sleep(100);
            }
        } finally {
            source.stop();
        }

        // exec: each marker seen once, with the exact argv
        Map<String, ExecActivity> byMarker = new ConcurrentHashMap<>();
        for (AuditActivity a : seen) {
            if (a instanceof ExecActivity e && e.argv().size() > 1 && expected.containsKey(e.argv().get(1))) {
                byMarker.put(e.argv().get(1), e);
            }
        }
        assertThat(byMarker).hasSize(200);
        for (Map.Entry<String, ExecActivity> e : byMarker.entrySet()) {
            ExecActivity exec = e.getValue();
            assertThat(exec.argv()).as(e.getKey()).isEqualTo(expected.get(e.getKey()));
            assertThat(exec.argvComplete()).as(e.getKey()).isTrue();
            assertThat(exec.executable()).isEqualTo("/usr/bin/true");
            assertThat(exec.success()).isTrue();
            assertThat(exec.uid()).isZero();
            assertThat(exec.cwd()).isNotNull();
        }
        // connect: 50 from the shell to the server port, with pid and port
        long shellPid = connectingPid;
        int port = serverPort;
        List<SocketActivity> connects = seen.stream().filter(a -> a instanceof SocketActivity s
                && s.syscall().equals("connect") && s.pid() == shellPid && s.port() == port)
                .map(a -> (SocketActivity) a).toList();
        assertThat(connects).hasSize(50).allSatisfy(c -> {
            assertThat(c.family()).isEqualTo("inet");
            assertThat(c.address()).isEqualTo("127.0.0.1");
            assertThat(c.executable()).isEqualTo("/usr/bin/bash");
            assertThat(c.ppid()).isEqualTo((int) myPid);
            assertThat(c.success()).isTrue();
        });
        assertThat(seen).noneMatch(a -> a instanceof MalformedRecord);

        AuditSourceStatus after = source.status();
        System.out.printf("audit live: mode=%s records=%d emitted=%d malformed=%d drops=%d lostSinceStart=%d problems=%s%n",
                after.mode(), after.recordsReceived(), after.activitiesEmitted(), after.malformedRecords(),
                after.internalDrops(), after.kernelLostSinceStart(), after.problems());

        AuditStatus restored = kernelStatus();
        assertThat(restored.enabled()).isEqualTo(before.enabled());
        assertThat(restored.pid()).isEqualTo(before.pid());
        assertThat(restored.backlogLimit()).isEqualTo(before.backlogLimit());
        assertThat(restored.backlogWaitTime()).isEqualTo(before.backlogWaitTime());
        assertThat(kirokuRules(key)).isEmpty();
        assertThat(exclusions()).doesNotContainAnyElementsOf(KIROKU_EXCLUSIONS);
        assertThat(state.resolve(AuditSavedState.FILE_NAME)).doesNotExist();
    }

    /**
     * A daemon that died (its saved state still there, its rules and exclusions still in the kernel)
     * is cleaned up by the next start: the exclusions it added are deleted, so the new source adds
     * (and at its stop deletes) its own instead of taking the dead one's for someone else's.
     */
    @Test
    void exclusions_of_a_daemon_that_died_are_deleted_at_the_next_start(@TempDir Path state) throws Exception {
        ConcurrentLinkedQueue<AuditActivity> seen = new ConcurrentLinkedQueue<>();
        List<AuditRule> before = exclusions();
        AuditSource first = startOrSkip(AuditSourceConfig.defaults(state), seen);
        assumeTrue(first.status().mode() == AuditMode.DAEMON, "another process is the audit daemon");
        byte[] savedWhileRunning = java.nio.file.Files.readAllBytes(state.resolve(AuditSavedState.FILE_NAME));
        first.stop();
        try (AuditControl control = AuditControl.open()) {
            // what a kill -9 leaves behind: the saved state and the exclusions
            java.nio.file.Files.write(state.resolve(AuditSavedState.FILE_NAME), savedWhileRunning);
            for (AuditRule rule : KIROKU_EXCLUSIONS) {
                if (!before.contains(rule)) control.addRule(rule);
            }
        }
        AuditSource second = startOrSkip(AuditSourceConfig.defaults(state), seen);
        try {
            assertThat(second.status().problems()).anyMatch(p -> p.startsWith("recovered from a previous run"));
            assertThat(exclusions()).containsAll(KIROKU_EXCLUSIONS);
        } finally {
            second.stop();
        }
        assertThat(exclusions()).isEqualTo(before);
        assertThat(state.resolve(AuditSavedState.FILE_NAME)).doesNotExist();
    }

    private static long execsFound(ConcurrentLinkedQueue<AuditActivity> seen, Map<String, List<String>> expected) {
        return seen.stream().filter(a -> a instanceof ExecActivity e && e.argv().size() > 1
                && expected.containsKey(e.argv().get(1))).count();
    }

    private static long connects(ConcurrentLinkedQueue<AuditActivity> seen, long pid, int port) {
        return seen.stream().filter(a -> a instanceof SocketActivity s && s.syscall().equals("connect") && s.pid() == pid
                && s.port() == port).count();
    }
}
