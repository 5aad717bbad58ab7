package dev.kiroku.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.response.ActionResult;
import dev.kiroku.response.Outcome;
import dev.kiroku.response.Sha256;
import dev.kiroku.response.execblock.BlockerSettings;
import dev.kiroku.response.execblock.ExecBlocker;
import dev.kiroku.response.execblock.HashBlockList;
import dev.kiroku.response.isolation.IsolationRuleset;
import dev.kiroku.response.isolation.IsolationStateFile;
import dev.kiroku.response.isolation.NetworkIsolation;
import dev.kiroku.response.lab.NetworkNamespace;
import dev.kiroku.response.lab.ScratchTmpfs;
import dev.kiroku.response.nft.Endpoint;
import dev.kiroku.response.nft.Nft;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * {@code kiroku bench response [--quick] [--json]}: the agent-local costs of response actions.
 *
 * <ul>
 *   <li>{@code isolate_local_ms}: median time of {@link NetworkIsolation#isolate} (render, {@code nft -f}, state
 *       file) in a network namespace this benchmark creates and deletes; {@code release_local_ms} likewise.
 *       nft runs through {@code ip netns exec}, which adds its own exec to each change.</li>
 *   <li>{@code exec_block_overhead_us}: two private tmpfs mounts each hold a copy of /bin/true; the exec
 *       blocker runs with a filesystem mark on one of them (1 000 blocked hashes, none matching). A shell
 *       loop execs one copy N times; rounds alternate between the unguarded and the guarded copy, so load
 *       from other users of the machine hits both alike. The median of the paired per-round differences per
 *       exec, in wall time and in CPU time. Target &lt;= 100 us. Measured twice: in production mode (allowed
 *       binaries get kernel ignore marks) and with ignore marks off ({@code exec_block_userspace_*}: every
 *       exec goes through the agent with a cached hash).</li>
 *   <li>{@code block_propagation_local_p99_ms}: with the blocker running, a new binary is run once (allowed),
 *       then its hash is blocked; the time from the block call until an exec of it is refused with
 *       EPERM, p50 and p99 over the trials ({@code block_propagation_local_*}).</li>
 *   <li>Through the server, with 100 simulated agents and one real agent ({@link FleetResponseBench}):
 *       {@code isolate_ms} (target 1 000) and {@code block_propagation_p99_ms} (target 2 000).</li>
 * </ul>
 */
public final class ResponseBench {
    private ResponseBench() {
    }

    public static int run(boolean quick, boolean json, PrintStream out, Path work) throws Exception {
        PrintStream progress = json ? System.err : out;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("quick", quick);
        long start = System.nanoTime();
        measureIsolation(quick ? 5 : 30, work, result, progress);
        long isolation = System.nanoTime();
        try (ScratchTmpfs fs = new ScratchTmpfs()) {
            measureExecOverhead(quick ? 8 : 40, quick ? 250 : 1000, fs.dir(), work, result, progress);
            measurePropagation(quick ? 10 : 100, fs.dir(), work, result, progress);
        }
        long local = System.nanoTime();
        FleetResponseBench.run(100, quick ? 5 : 20, quick ? 5 : 20, work.resolve("fleet"), result, progress);
        long end = System.nanoTime();
        // Where the run's time goes (the --quick budget is 60 s), and this JVM's CPU beside it (the machine may be shared).
        result.put("phase_isolation_local_s", seconds(isolation - start));
        result.put("phase_exec_block_local_s", seconds(local - isolation));
        result.put("phase_fleet_s", seconds(end - local));
        result.put("bench_wall_s", seconds(end - start));
        result.put("bench_jvm_cpu_s", seconds(((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime()));
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(result));
        } else {
            out.println("kiroku bench response" + (quick ? " --quick" : ""));
            result.forEach((k, v) -> out.println("  " + k + ": " + v));
        }
        boolean ok = (double) result.get("exec_block_overhead_us") <= 100 && (double) result.get("isolate_ms") <= 1000
                && (double) result.get("block_propagation_p99_ms") <= 2000;
        return ok ? 0 : 1;
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e7) / 100.0;
    }

    private static void measureIsolation(int trials, Path work, Map<String, Object> result, PrintStream progress)
            throws Exception {
        progress.println("isolation: " + trials + " isolate/release cycles in a new network namespace");
        String name = "kiroku-bench-resp-" + ProcessHandle.current().pid();
        double[] isolate = new double[trials];
        double[] release = new double[trials];
        try (NetworkNamespace ns = NetworkNamespace.create(name)) {
            Nft nft = Nft.inNamespace(ns.name());
            NetworkIsolation isolation = new NetworkIsolation(nft, new IsolationStateFile(work.resolve("isolation.json")));
            List<Endpoint> server = List.of(Endpoint.parse("192.0.2.10:8443"));
            for (int i = 0; i < trials; i++) {
                long t0 = System.nanoTime();
                ActionResult r = isolation.isolate(server, null, "bench");
                isolate[i] = (System.nanoTime() - t0) / 1e6;
                require(r);
                if (!nft.tableExists("inet", IsolationRuleset.TABLE)) {
                    throw new IllegalStateException("isolation reported done but the table is not in force");
                }
                t0 = System.nanoTime();
                require(isolation.release("bench"));
                release[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        result.put("isolate_local_ms", round(percentile(isolate, 50)));
        result.put("isolate_local_p99_ms", round(percentile(isolate, 99)));
        result.put("release_local_ms", round(percentile(release, 50)));
    }

    private static void measureExecOverhead(int rounds, int execsPerRound, Path markedFs, Path work,
                                            Map<String, Object> result, PrintStream progress) throws Exception {
        progress.println("exec overhead: " + rounds + " alternating rounds of " + execsPerRound
                + " execs on an unguarded and a guarded tmpfs");
        HashBlockList list = HashBlockList.load(work.resolve("bench-blocklist.json"));
        Random random = new Random(42);
        for (int i = 0; i < 1000; i++) {
            byte[] h = new byte[32];
            random.nextBytes(h);
            list.add(Sha256.hex(h), "bench filler", null);
        }
        try (ScratchTmpfs plainFs = new ScratchTmpfs()) {
            Path plain = copyOfTrue(plainFs.dir().resolve("true"));
            Path guarded = copyOfTrue(markedFs.resolve("true"));
            // Production mode: an allowed binary gets a kernel-side ignore mark after its first exec.
            pairedRounds("exec_block", BlockerSettings.of(List.of(markedFs)), list, plain, guarded, rounds,
                    execsPerRound, result);
            // Every exec through user space (cached hash): the cost of a verdict, e.g. right after a new block.
            pairedRounds("exec_block_userspace", BlockerSettings.of(List.of(markedFs)).withIgnoreMarks(false), list, plain,
                    guarded, rounds, execsPerRound, result);
        }
        result.put("exec_block_overhead_target_us", 100);
    }

    /**
     * Rounds alternate without/with the blocker's mark. Two overheads per exec: wall time (median of
     * the per-round differences, paired so load from other users of the machine cancels as far as it
     * can) and CPU time (the exec loop's own CPU plus this JVM's, which is the blocker's: the only
     * other thread is waiting), which machine load does not inflate.
     */
    private static void pairedRounds(String key, BlockerSettings settings, HashBlockList list, Path plain, Path guarded,
                                     int rounds, int execsPerRound, Map<String, Object> result) throws Exception {
        double[] wallWithout = new double[rounds];
        double[] wallWith = new double[rounds];
        double[] wallDifference = new double[rounds];
        double[] cpuDifference = new double[rounds];
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        try (ExecBlocker blocker = ExecBlocker.start(settings, list, a -> { })) {
            execLoopMillis(guarded, 20); // the first exec hashes the file; the rounds measure the steady state
            execLoopMillis(plain, 20);
            for (int r = 0; r < rounds; r++) {
                long c0 = ChildCpu.micros() + os.getProcessCpuTime() / 1000;
                wallWithout[r] = execLoopMillis(plain, execsPerRound);
                long c1 = ChildCpu.micros() + os.getProcessCpuTime() / 1000;
                wallWith[r] = execLoopMillis(guarded, execsPerRound);
                long c2 = ChildCpu.micros() + os.getProcessCpuTime() / 1000;
                wallDifference[r] = (wallWith[r] - wallWithout[r]) * 1000 / execsPerRound;
                cpuDifference[r] = (double) ((c2 - c1) - (c1 - c0)) / execsPerRound;
            }
            ExecBlocker.Stats stats = blocker.stats();
            result.put(key + "_events", stats.events());
            result.put(key + "_watchdog_allows", stats.watchdogAllows());
            result.put(key + "_files_hashed", stats.hashed());
        }
        result.put(key + "_exec_us_without", round(percentile(wallWithout, 50) * 1000 / execsPerRound));
        result.put(key + "_exec_us_with", round(percentile(wallWith, 50) * 1000 / execsPerRound));
        result.put(key + "_overhead_us", round(percentile(wallDifference, 50)));
        result.put(key + "_cpu_overhead_us", round(percentile(cpuDifference, 50)));
    }

    private static Path copyOfTrue(Path target) throws IOException {
        Files.copy(Path.of("/bin/true"), target);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        return target;
    }

    private static void measurePropagation(int trials, Path fs, Path work, Map<String, Object> result, PrintStream progress)
            throws Exception {
        progress.println("block propagation: " + trials + " new hash blocks applied to the running blocker");
        byte[] base = Files.readAllBytes(Path.of("/bin/true"));
        double[] millis = new double[trials];
        HashBlockList list = HashBlockList.load(work.resolve("bench-propagation.json"));
        try (ExecBlocker blocker = ExecBlocker.start(BlockerSettings.of(List.of(fs)), list, a -> { })) {
            for (int i = 0; i < trials; i++) {
                byte[] trailer = ("kiroku-bench-" + i).getBytes(StandardCharsets.US_ASCII);
                byte[] content = Arrays.copyOf(base, base.length + trailer.length);
                System.arraycopy(trailer, 0, content, base.length, trailer.length);
                Path binary = fs.resolve("sample-" + i);
                Files.write(binary, content);
                Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
                if (!runs(binary)) {
                    throw new IllegalStateException(binary + " did not run before it was blocked");
                }
                String hash = Sha256.hex(Sha256.digest().digest(content));
                long t0 = System.nanoTime();
                require(blocker.block(hash, "bench", null, List.of()));
                long deadline = t0 + TimeUnit.SECONDS.toNanos(5);
                while (runs(binary)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("block of " + hash + " not enforced within 5 s");
                    }
                }
                millis[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        result.put("block_propagation_local_p50_ms", round(percentile(millis, 50)));
        result.put("block_propagation_local_p99_ms", round(percentile(millis, 99)));
    }

    /** Runs the binary; false when exec was refused. */
    private static boolean runs(Path binary) throws Exception {
        try {
            Process p = new ProcessBuilder(binary.toString()).start();
            p.waitFor();
            return true;
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("Operation not permitted")) {
                return false;
            }
            throw e;
        }
    }

    private static double execLoopMillis(Path binary, int count) throws Exception {
        String script = "i=0; while [ $i -lt " + count + " ]; do " + binary + " || exit 1; i=$((i+1)); done";
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("sh", "-c", script).inheritIO().start();
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("exec loop failed");
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private static void require(ActionResult r) {
        if (r.outcome() == Outcome.FAILED) {
            throw new IllegalStateException(r.action() + " failed: " + r.detail());
        }
    }

    private static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double round(double v) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.3f", v));
    }
}
