package dev.kiroku.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiroku.sensor.linux.audit.AuditLock;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * {@code kiroku bench capture [--quick] [--json]}: how much of a burst of activity the agent
 * records, and what that costs next to Debian's auditd.
 *
 * <ol>
 *   <li><b>Agent phase.</b> The agent runs in this JVM and nothing else does: it ships to an
 *   {@code EventSink} that acknowledges each batch without storing it, so the CPU time read from
 *   {@code /proc/self/stat} (utime + stime of all threads: sensors, enrichment, journal, shipper,
 *   JIT, GC) is the agent's own. After a warm-up storm, one bash process runs
 *   {@code /bin/true <marker> <i>} N times; the CPU time from just before the storm until the agent
 *   has drained is divided by the execs captured. Then one bash process makes M connections to a
 *   listener on 127.0.0.1 and one perl process creates and deletes F files in a scratch directory
 *   under /dev/shm, the only filesystem the agent's fanotify marks. Captured = exec events whose
 *   argv is exactly {@code [/bin/true, marker, i]}, connect events to the listener's port with a
 *   pid > 0, creation and deletion events of {@code <scratch>/f<i>}, counted from the agent's
 *   journal. Peak RSS is VmHWM of this JVM. The agent's loss counters are reported as they are.</li>
 *   <li><b>auditd phase</b> (after the agent stopped: there is one audit daemon per kernel). Debian's
 *   auditd (installed if missing) runs in the foreground with raw logs and the execve/execveat rule;
 *   the same storm runs; its CPU time comes from {@code /proc/<auditd>/stat}.</li>
 * </ol>
 * The machine-wide {@link AuditLock} is held throughout, and the kernel's audit settings and rules
 * are read before and restored after (checked with {@code auditctl -s} and {@code -l}).
 *
 * <p>Exit code: 0 when every target was met, 1 when the benchmark ran but missed a target, 2 when it
 * could not run.
 */
public final class CaptureBench {

    static final int OK = 0;
    static final int TARGET_MISSED = 1;
    static final int FAILED = 2;

    static final double RSS_TARGET_MB = 150;
    static final double CPU_RATIO_TARGET = 1.0;

    private CaptureBench() {
    }

    public static void main(String[] args) {
        boolean quick = false;
        boolean json = false;
        Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--json" -> json = true;
                case "--work-dir" -> workDir = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: CaptureBench [--quick] [--json] [--work-dir DIR]");
                    System.exit(FAILED);
                }
            }
        }
        System.exit(run(quick, json, System.out, workDir));
    }

    /**
     * Runs the benchmark. Progress goes to stderr; the result goes to {@code out}: readable lines,
     * or with {@code json} exactly one JSON object.
     *
     * @param workDir where the agent's data directory and auditd's log are made (deleted afterwards
     *                unless {@code -Dkiroku.bench.keep=true})
     * @return 0 all targets met, 1 a target missed, 2 the benchmark could not run
     */
    public static int run(boolean quick, boolean json, PrintStream out, Path workDir) {
        long t0 = System.nanoTime();
        PrintStream progress = new PrintStream(System.err, true) {
            @Override
            public void println(String line) {
                super.println(String.format(Locale.ROOT, "[%5.1f s] %s", (System.nanoTime() - t0) / 1e9, line));
            }
        };
        AgentPhase.Sizes sizes = quick ? new AgentPhase.Sizes(200, 2_000, 200, 2_000)
                : new AgentPhase.Sizes(2_000, 20_000, 2_000, 20_000);
        Duration stormTimeout = quick ? Duration.ofSeconds(40) : Duration.ofMinutes(10);
        long started = System.nanoTime();
        String loadStart = ProcStats.loadAverage();
        List<String> notes = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        AgentPhase.Outcome agent = null;
        AuditdPhase.Outcome auditd = null;
        String auditdSkipped = null;
        AuditState before = null;
        AuditState after = null;
        String auditRestore = null;
        Path scratch = null;
        try {
            Files.createDirectories(workDir);
            if (!"root".equals(System.getProperty("user.name"))) {
                throw new IOException("the agent needs root (audit, fanotify, proc connector)");
            }
            progress.println("bench: waiting for the audit lock " + AuditLock.DEFAULT_PATH);
            try (AuditLock ignored = AuditLock.acquire(Duration.ofMinutes(10))) {
                auditdSkipped = AuditdPhase.ensureInstalled(notes, progress);
                if (Files.isExecutable(Path.of(AuditdPhase.AUDITCTL))) {
                    before = AuditState.read(AuditdPhase.AUDITCTL);
                    notes.add("audit before: " + before.settings());
                }
                Path shm = Path.of("/dev/shm");
                scratch = Files.createTempDirectory(Files.isDirectory(shm) ? shm : workDir, "kiroku-bench-");
                try {
                    agent = AgentPhase.run(sizes, workDir, scratch, stormTimeout, progress);
                } catch (IOException | RuntimeException e) {
                    errors.add("agent phase failed: " + e);
                }
                if (before != null) {
                    AuditState afterAgent = AuditState.read(AuditdPhase.AUDITCTL);
                    String diff = before.differenceTo(afterAgent);
                    if (!diff.isEmpty()) notes.add("WARNING: the agent did not restore audit: " + diff);
                }
                if (auditdSkipped == null && before == null) auditdSkipped = "auditctl is not available";
                if (auditdSkipped == null) {
                    try {
                        auditd = AuditdPhase.run(before, sizes.warmupExecs(), sizes.execs(), workDir, stormTimeout, progress);
                        notes.addAll(auditd.notes());
                    } catch (IOException | RuntimeException e) {
                        auditdSkipped = "auditd phase failed: " + e.getMessage();
                    }
                }
                if (before != null) {
                    after = AuditState.read(AuditdPhase.AUDITCTL);
                    auditRestore = before.differenceTo(after);
                }
            }
        } catch (IOException | RuntimeException e) {
            errors.add(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            errors.add("interrupted");
        } finally {
            if (scratch != null) deleteTree(scratch);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Object> result = result(quick, sizes, agent, auditd, auditdSkipped, before, after, auditRestore,
                loadStart, seconds, notes, errors);
        if (json) {
            try {
                out.println(new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(result));
            } catch (IOException e) {
                out.println("{\"errors\":[\"cannot write JSON: " + e.getMessage().replace("\"", "'") + "\"]}");
                return FAILED;
            }
        } else {
            printHuman(out, result, agent, auditd);
        }
        out.flush();
        if (agent == null || !errors.isEmpty()) return FAILED;
        return ((List<?>) result.get("targets_missed")).isEmpty() ? OK : TARGET_MISSED;
    }

    private static Map<String, Object> result(boolean quick, AgentPhase.Sizes sizes, AgentPhase.Outcome agent,
                                              AuditdPhase.Outcome auditd, String auditdSkipped, AuditState before,
                                              AuditState after, String auditRestore, String loadStart, double seconds,
                                              List<String> notes, List<String> errors) {
        Map<String, Object> r = new LinkedHashMap<>();
        List<String> missed = new ArrayList<>();
        r.put("benchmark", "capture");
        r.put("quick", quick);
        r.put("exec_requested", sizes.execs());
        r.put("connect_requested", sizes.connects());
        r.put("file_requested", 2 * sizes.files());
        if (agent != null) {
            r.put("exec_captured", agent.execCaptured());
            r.put("exec_captured_ratio", ratio(agent.execCaptured(), agent.execRequested()));
            r.put("exec_marker_events_with_other_argv", agent.execInexact());
            r.put("exec_missing_sample", agent.execMissingSample());
            r.put("exec_storm_seconds", round(agent.execStormNanos() / 1e9, 2));
            r.put("exec_storm_per_second", round(agent.execRequested() * 1e9 / agent.execStormNanos(), 0));
            r.put("connect_captured", agent.connectCaptured());
            r.put("connect_captured_ratio", ratio(agent.connectCaptured(), agent.connectRequested()));
            r.put("connect_events_without_pid", agent.connectWithoutPid());
            r.put("connect_failed_in_client", agent.connectFailedByClient());
            r.put("file_captured", agent.fileCaptured());
            r.put("file_captured_ratio", ratio(agent.fileCaptured(), agent.fileRequested()));
            r.put("file_creates_captured", agent.fileCreatesCaptured());
            r.put("file_deletes_captured", agent.fileDeletesCaptured());
            r.put("file_events_path_unresolved", agent.fileUnresolved());
            r.put("reported_lost", agent.reportedLost());
            r.put("losses", agent.losses());
            r.put("agent_cpu_us_per_exec", round(agent.execCpuUsPerExec(), 1));
            r.put("agent_cpu_ms_exec_storm", round(agent.execCpuMicros() / 1000.0, 0));
            r.put("agent_all_execs_in_window", agent.allExecsInWindow());
            r.put("agent_cpu_ms_exec_storm_by_thread", agent.execCpuMillisByThread());
            Map<String, Double> switchesPerExec = new LinkedHashMap<>();
            agent.execContextSwitchesByThread().forEach((name, n) ->
                    switchesPerExec.put(name, round((double) n / Math.max(1, agent.execCaptured()), 2)));
            r.put("agent_context_switches_per_exec_by_thread", switchesPerExec);
            r.put("agent_cpu_us_per_exec_warmup", round(agent.warmupCpuUsPerExec(), 1));
            r.put("agent_idle_cpu_ms_per_s", round(agent.idleCpuMsPerSecond(), 1));
            r.put("agent_rss_mb", round(agent.rssKb() / 1024.0, 1));
            r.put("agent_events_recorded", agent.eventsRecorded());
            r.put("agent_events_acknowledged_unstored", agent.shippedWithoutStoring());
            r.put("agent_sensors", agent.sensors());
            if (agent.execCaptured() < agent.execRequested()) missed.add("exec capture below 100 %");
            if (agent.connectCaptured() < agent.connectRequested()) missed.add("connect capture below 100 %");
            if (agent.fileCaptured() < agent.fileRequested()) missed.add("file capture below 100 %");
            int uncaptured = (agent.execRequested() - agent.execCaptured()) + (agent.connectRequested() - agent.connectCaptured())
                    + (agent.fileRequested() - agent.fileCaptured());
            if (uncaptured > 0 && agent.reportedLost() == 0) missed.add("events missing without a loss counter showing it");
            if (agent.rssKb() / 1024.0 > RSS_TARGET_MB) missed.add("agent RSS above " + (int) RSS_TARGET_MB + " MB");
        }
        r.put("auditd_skipped", auditdSkipped);
        if (auditd != null) {
            r.put("auditd_exec_captured", auditd.captured());
            r.put("auditd_exec_captured_ratio", ratio(auditd.captured(), auditd.requested()));
            r.put("auditd_cpu_us_per_exec", round(auditd.cpuUsPerExec(), 1));
            r.put("auditd_cpu_ms_exec_storm", round(auditd.cpuMicros() / 1000.0, 0));
            r.put("auditd_all_execve_in_window", auditd.allExecve());
            r.put("auditd_cpu_us_per_exec_warmup", round(auditd.warmupCpuUsPerExec(), 1));
            r.put("auditd_kernel_lost", auditd.lostDelta());
            r.put("auditd_rss_mb", round(auditd.rssKb() / 1024.0, 1));
            r.put("auditd_exec_storm_seconds", round(auditd.stormNanos() / 1e9, 2));
        }
        if (agent != null && auditd != null && auditd.cpuUsPerExec() > 0) {
            double ratio = agent.execCpuUsPerExec() / auditd.cpuUsPerExec();
            r.put("cpu_ratio", round(ratio, 2));
            if (!(ratio <= CPU_RATIO_TARGET)) missed.add("agent CPU per exec above " + CPU_RATIO_TARGET + " x auditd's");
        } else {
            r.put("cpu_ratio", null);
        }
        r.put("targets", Map.of("capture_ratio", 1.0, "cpu_ratio_max", CPU_RATIO_TARGET, "agent_rss_mb_max", RSS_TARGET_MB));
        r.put("targets_missed", missed);
        r.put("audit_before", before == null ? null : before.settings());
        r.put("audit_after", after == null ? null : after.settings());
        r.put("audit_restored", auditRestore == null ? null : auditRestore.isEmpty());
        if (auditRestore != null && !auditRestore.isEmpty()) errors.add("audit state not restored: " + auditRestore);
        r.put("load_average_start", loadStart);
        r.put("load_average_end", ProcStats.loadAverage());
        r.put("cpus", Runtime.getRuntime().availableProcessors());
        r.put("duration_s", round(seconds, 1));
        r.put("cpu_accounting", "agent: utime+stime of this JVM (/proc/self/stat), which runs only the agent delivering to an "
                + "EventSink that acknowledges without storing; auditd: utime+stime of /proc/<auditd>/stat; both from just "
                + "before the exec storm until the daemon drained, divided by the storm execs it captured");
        r.put("notes", notes);
        r.put("errors", errors);
        return r;
    }

    private static void printHuman(PrintStream out, Map<String, Object> r, AgentPhase.Outcome agent, AuditdPhase.Outcome auditd) {
        out.println("kiroku bench capture" + (Boolean.TRUE.equals(r.get("quick")) ? " --quick" : "")
                + "   (load " + r.get("load_average_start") + " -> " + r.get("load_average_end") + ", " + r.get("cpus")
                + " CPUs, " + r.get("duration_s") + " s)");
        if (agent != null) {
            out.printf(Locale.ROOT, "  exec     %6d / %-6d captured with exact argv  %7.3f %%   (storm %.1f s, %s/s)%n",
                    agent.execCaptured(), agent.execRequested(), 100 * ratio(agent.execCaptured(), agent.execRequested()),
                    agent.execStormNanos() / 1e9, r.get("exec_storm_per_second"));
            out.printf(Locale.ROOT, "  connect  %6d / %-6d captured with pid         %7.3f %%%n",
                    agent.connectCaptured(), agent.connectRequested(), 100 * ratio(agent.connectCaptured(), agent.connectRequested()));
            out.printf(Locale.ROOT, "  file     %6d / %-6d create+delete with path   %7.3f %%   (creates %d, deletes %d)%n",
                    agent.fileCaptured(), agent.fileRequested(), 100 * ratio(agent.fileCaptured(), agent.fileRequested()),
                    agent.fileCreatesCaptured(), agent.fileDeletesCaptured());
            out.println("  losses reported by the agent: " + agent.reportedLost() + " " + agent.losses());
            out.printf(Locale.ROOT, "  agent CPU   %8.1f us/exec  (%d ms for the storm; warm-up %.1f us/exec; idle %.1f ms/s; "
                            + "%d execs on the machine in the window)%n",
                    agent.execCpuUsPerExec(), agent.execCpuMicros() / 1000, agent.warmupCpuUsPerExec(), agent.idleCpuMsPerSecond(),
                    agent.allExecsInWindow());
            out.println("  agent CPU by thread during the exec storm (ms): " + agent.execCpuMillisByThread());
            out.println("  agent context switches by thread during the exec storm: " + agent.execContextSwitchesByThread());
            out.printf(Locale.ROOT, "  agent RSS   %8.1f MB peak (VmHWM of the benchmark JVM)%n", agent.rssKb() / 1024.0);
        }
        if (auditd != null) {
            out.printf(Locale.ROOT, "  auditd CPU  %8.1f us/exec  (%d ms for the storm; %d/%d marker execs in its log; kernel lost %d; "
                            + "RSS %.1f MB)%n",
                    auditd.cpuUsPerExec(), auditd.cpuMicros() / 1000, auditd.captured(), auditd.requested(), auditd.lostDelta(),
                    auditd.rssKb() / 1024.0);
            out.println("  CPU ratio agent/auditd: " + r.get("cpu_ratio"));
        } else {
            out.println("  auditd: skipped: " + r.get("auditd_skipped"));
        }
        out.println("  audit state before: " + r.get("audit_before"));
        out.println("  audit state after:  " + r.get("audit_after") + "   restored: " + r.get("audit_restored"));
        if (agent != null) agent.sensors().forEach(s -> out.println("  sensor " + s));
        for (Object note : (List<?>) r.get("notes")) out.println("  note: " + note);
        for (Object error : (List<?>) r.get("errors")) out.println("  ERROR: " + error);
        List<?> missed = (List<?>) r.get("targets_missed");
        out.println(missed.isEmpty() ? "  targets: all met" : "  targets missed: " + missed);
    }

    static String marker(String kind) {
        return "kbench" + kind + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    static double ratio(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }

    private static Double round(double value, int digits) {
        if (Double.isNaN(value) || Double.isInfinite(value)) return null;
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
