package dev.kiroku.response.execblock;

import dev.kiroku.response.ActionResult;
import dev.kiroku.response.KernelAssumptions;
import dev.kiroku.response.Outcome;
import dev.kiroku.response.lab.ScratchTmpfs;
import dev.kiroku.response.Sha256;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The blocker on a private tmpfs (its filesystem mark covers nothing else): real execs of real
 * binaries and scripts, denied by the kernel with EPERM.
 */
class ExecBlockerTest {
    @TempDir
    Path state;
    ScratchTmpfs fs;
    Path good;
    Path bad;
    byte[] badBytes;

    @BeforeEach
    void files() throws IOException {
        KernelAssumptions.assumeRoot();
        fs = new ScratchTmpfs();
        good = executable(fs.dir().resolve("good-true"), Files.readAllBytes(Path.of("/bin/true")));
        // /bin/true with a trailer: still runs, but has its own hash.
        byte[] trailer = "kiroku-blocked-sample".getBytes(StandardCharsets.US_ASCII);
        byte[] base = Files.readAllBytes(Path.of("/bin/true"));
        badBytes = java.util.Arrays.copyOf(base, base.length + trailer.length);
        System.arraycopy(trailer, 0, badBytes, base.length, trailer.length);
        bad = executable(fs.dir().resolve("bad-true"), badBytes);
    }

    @AfterEach
    void unmount() throws IOException {
        if (fs != null) {
            fs.close();
        }
    }

    @Test
    void blockedBinaryFailsWithEpermAndRunsAgainAfterUnblocking() throws Exception {
        List<BlockedAttempt> attempts = new CopyOnWriteArrayList<>();
        HashBlockList list = HashBlockList.load(state.resolve("blocklist.json"));
        String badHash = sha(bad);
        try (ExecBlocker blocker = ExecBlocker.start(BlockerSettings.of(List.of(fs.dir())), list, attempts::add)) {
            assertThat(exitOf(bad.toString())).isZero();
            ActionResult r = new BlockHashAction(blocker, true).run(java.util.Map.of("hashes", badHash, "reason", "test")).getFirst();
            assertThat(r.outcome()).as(r.detail()).isEqualTo(Outcome.DONE);

            assertThatThrownBy(() -> exitOf(bad.toString())).isInstanceOf(IOException.class)
                    .hasMessageContaining("Operation not permitted");
            assertThat(exitOf("sh", "-c", bad.toString())).as("from a shell").isEqualTo(126);
            assertThat(exitOf(good.toString())).as("other binaries run").isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> attempts.size() >= 2);
            BlockedAttempt a = attempts.getFirst();
            assertThat(a.kind()).isEqualTo("exec");
            assertThat(a.path()).isEqualTo(bad.toString());
            assertThat(a.sha256()).isEqualTo(badHash);
            assertThat(a.pid()).isPositive();
            // The loader route is closed as well: the denied exec put an open guard on the file.
            assertThat(exitOf("/lib64/ld-linux-x86-64.so.2", bad.toString())).as("ld.so ./bad").isNotZero();
            assertThat(blocker.stats().denied()).isGreaterThanOrEqualTo(2);
            assertThat(blocker.stats().watchdogAllows()).as("no verdict was late").isZero();
            // good-true now passes in the kernel (ignore mark); rewriting it in place with the blocked
            // content drops that mark, so the next exec is checked and refused.
            assertThat(exitOf(good.toString())).isZero();
            assertThat(blocker.stats().ignoreMarks()).isPositive();
            Files.write(good, badBytes); // bad itself is guarded now: even reading it is refused
            assertThatThrownBy(() -> exitOf(good.toString())).hasMessageContaining("Operation not permitted");
        }
        // Blocks survive a restart of the agent.
        try (ExecBlocker again = ExecBlocker.start(BlockerSettings.of(List.of(fs.dir())),
                HashBlockList.load(state.resolve("blocklist.json")), a -> { })) {
            assertThatThrownBy(() -> exitOf(bad.toString())).hasMessageContaining("Operation not permitted");
            ActionResult u = new BlockHashAction(again, false).run(java.util.Map.of("hashes", badHash)).getFirst();
            assertThat(u.outcome()).isEqualTo(Outcome.DONE);
            assertThat(exitOf(bad.toString())).as("after unblocking").isZero();
            assertThat(exitOf("/lib64/ld-linux-x86-64.so.2", bad.toString())).as("guard removed").isZero();
        }
        assertThat(exitOf(bad.toString())).as("group closed").isZero();
    }

    @Test
    void blockedScriptFailsThroughShAndDirectly() throws Exception {
        Path script = executable(fs.dir().resolve("bad.sh"), "#!/bin/sh\necho ran\n".getBytes(StandardCharsets.US_ASCII));
        Path other = executable(fs.dir().resolve("bad-copy.sh"), "#!/bin/sh\necho ran\n".getBytes(StandardCharsets.US_ASCII));
        String scriptHash = sha(script);
        List<BlockedAttempt> attempts = new CopyOnWriteArrayList<>();
        try (ExecBlocker blocker = ExecBlocker.start(BlockerSettings.of(List.of(fs.dir())),
                HashBlockList.load(state.resolve("b.json")), attempts::add)) {
            ActionResult r = blocker.block(scriptHash, "test", null, List.of(script));
            assertThat(r.outcome()).as(r.detail()).isEqualTo(Outcome.DONE);
            assertThat(r.data().get("guarded_files")).isEqualTo(List.of(script.toString()));

            Run viaSh = run("sh", script.toString());
            assertThat(viaSh.exit).isNotZero();
            assertThat(viaSh.output).contains("Operation not permitted").doesNotContain("ran");
            assertThat(run("sh", "-c", script.toString()).exit).as("direct exec").isEqualTo(126);
            await().atMost(Duration.ofSeconds(5)).until(() -> attempts.stream().anyMatch(a -> a.kind().equals("open")));

            // A copy nobody named is caught at its first exec and then guarded against sh as well.
            assertThat(run("sh", "-c", other.toString()).exit).isEqualTo(126);
            assertThat(run("sh", other.toString()).output).contains("Operation not permitted");

            blocker.unblock(scriptHash);
            assertThat(run("sh", script.toString()).output).contains("ran");
            assertThat(run(other.toString()).output).contains("ran");
        }
    }

    @Test
    void aStalledHandlerStillLetsExecProceedWithinTheDeadline() throws Exception {
        BlockerSettings stalled = BlockerSettings.of(List.of(fs.dir())).withDeadline(Duration.ofMillis(200))
                .withBeforeVerdict(() -> {
                    try {
                        Thread.sleep(5_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        HashBlockList list = HashBlockList.load(state.resolve("s.json"));
        list.add(sha(bad), "blocked, but the handler is stuck", null);
        try (ExecBlocker blocker = ExecBlocker.start(stalled, list, a -> { })) {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                assertThat(exitOf(good.toString())).isZero();
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(millis).as("exec %d waited for the watchdog only", i).isLessThan(2_000);
            }
            // Fail-open is the price of never freezing: even a blocked file runs while the handler is stuck.
            assertThat(exitOf(bad.toString())).isZero();
            assertThat(blocker.stats().watchdogAllows()).isGreaterThanOrEqualTo(4);
        }
    }

    /**
     * The cause of the hang seen with two agents in one JVM: a process being spawned holds a reference to
     * every fanotify group until its exec passed the permission check, so closing a blocker did not release
     * its group, and with its marks still live every later exec waited for a group nobody read. Here another
     * process takes a reference to the group (pidfd_getfd) and keeps it while the blocker closes.
     */
    @Test
    void closingWhileAnotherProcessHoldsTheGroupLeavesNoExecWaiting() throws Exception {
        HashBlockList list = HashBlockList.load(state.resolve("h.json"));
        list.add(sha(bad), "test", null);
        ExecBlocker blocker = ExecBlocker.start(BlockerSettings.of(List.of(fs.dir())), list, a -> { });
        Process holder = null;
        try {
            assertThat(exitOf(good.toString())).isZero();
            holder = new ProcessBuilder("python3", "-c", """
                    import ctypes, os, sys, time
                    libc = ctypes.CDLL(None, use_errno=True)
                    fd = libc.syscall(438, os.pidfd_open(int(sys.argv[1])), int(sys.argv[2]), 0)
                    print("held" if fd >= 0 else "errno %d" % ctypes.get_errno(), flush=True)
                    time.sleep(120)
                    """, String.valueOf(ProcessHandle.current().pid()), String.valueOf(blocker.groupDescriptor()))
                    .redirectErrorStream(true).start();
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine();
            assertThat(line).as("pidfd_getfd of the group").isEqualTo("held");
            blocker.close();
            var exec = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return run(bad.toString()).exit;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(exec.get(10, TimeUnit.SECONDS)).as("exec after close, group still referenced").isZero();
        } finally {
            blocker.close();
            if (holder != null) {
                holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Two blockers on one machine (two agents): each decides on its own, neither waits for the other. */
    @Test
    void twoBlockersOnOneMachineBothEnforceAndNeverHangAnExec() throws Exception {
        HashBlockList first = HashBlockList.load(state.resolve("first.json"));
        HashBlockList second = HashBlockList.load(state.resolve("second.json"));
        first.add(sha(bad), "first agent", null);
        try (ExecBlocker a = ExecBlocker.start(BlockerSettings.of(List.of(fs.dir())), first, x -> { })) {
            for (int round = 0; round < 5; round++) {
                second.add(sha(bad), "second agent", null);
                try (ExecBlocker b = ExecBlocker.start(BlockerSettings.of(List.of(fs.dir())), second, x -> { })) {
                    assertThatThrownBy(() -> exitOf(bad.toString())).hasMessageContaining("Operation not permitted");
                    assertThat(exitOf(good.toString())).isZero();
                    b.unblock(sha(bad));
                    assertThatThrownBy(() -> exitOf(bad.toString())).as("still blocked by the first")
                            .hasMessageContaining("Operation not permitted");
                    assertThat(b.stats().watchdogAllows() + a.stats().watchdogAllows()).isZero();
                }
            }
            a.unblock(sha(bad));
            assertThat(exitOf(bad.toString())).isZero();
        }
    }

    @Test
    void malformedHashesAreRejectedOneByOne() throws Exception {
        try (ExecBlocker blocker = ExecBlocker.start(BlockerSettings.of(List.of(fs.dir())),
                HashBlockList.load(state.resolve("m.json")), a -> { })) {
            List<ActionResult> results = new BlockHashAction(blocker, true)
                    .run(java.util.Map.of("hashes", "xyz," + sha(bad) + ",abc123"));
            assertThat(results).extracting(ActionResult::outcome).containsExactly(Outcome.FAILED, Outcome.DONE, Outcome.FAILED);
            assertThat(results.getFirst().detail()).contains("'xyz'").contains("not a SHA-256");
            assertThatThrownBy(() -> exitOf(bad.toString())).hasMessageContaining("Operation not permitted");
        }
    }

    private static Path executable(Path p, byte[] content) throws IOException {
        Files.write(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static String sha(Path p) throws IOException {
        return Sha256.hex(Sha256.digest().digest(Files.readAllBytes(p)));
    }

    private static int exitOf(String... command) throws Exception {
        return run(command).exit;
    }

    private record Run(int exit, String output) {
    }

    private static Run run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }
}
