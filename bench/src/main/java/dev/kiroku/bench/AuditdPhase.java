package dev.kiroku.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference: Debian's {@code auditd} 3.0.9 writing raw logs for the same exec storm. The
 * benchmark installs the package if missing (without letting it start its service), starts
 * {@code auditd -n} (foreground) with a temporary configuration, adds the execve/execveat rule,
 * runs the storm, reads auditd's CPU time, then stops it and restores the kernel's audit state.
 */
final class AuditdPhase {

    static final String KEY = "kiroku-bench";
    static final String AUDITCTL = "/usr/sbin/auditctl";
    static final String AUDITD = "/usr/sbin/auditd";
    private static final Path POLICY_RC_D = Path.of("/usr/sbin/policy-rc.d");

    /** What the auditd phase measured. */
    record Outcome(int requested, int captured, long cpuMicros, long stormNanos, long lostDelta, int allExecve,
                   long rssKb, double warmupCpuUsPerExec, List<String> notes) {
        double cpuUsPerExec() {
            return captured == 0 ? Double.NaN : (double) cpuMicros / captured;
        }
    }

    private AuditdPhase() {
    }

    /** Null when auditd and auditctl are available (installing them if needed), otherwise why not. */
    static String ensureInstalled(List<String> notes, java.io.PrintStream progress) {
        if (Files.isExecutable(Path.of(AUDITD)) && Files.isExecutable(Path.of(AUDITCTL))) return null;
        if (!"root".equals(System.getProperty("user.name"))) return "auditd is not installed and the benchmark is not root";
        if (!Files.isExecutable(Path.of("/usr/bin/apt-get"))) return "auditd is not installed and there is no apt-get";
        progress.println("bench: installing Debian package auditd (service start prevented by a temporary policy-rc.d)");
        byte[] previousPolicy = null;
        java.util.Set<java.nio.file.attribute.PosixFilePermission> previousPermissions = null;
        java.nio.file.attribute.FileTime previousTime = null;
        try {
            if (Files.exists(POLICY_RC_D)) {
                // an image may ship its own policy-rc.d (Docker images do): put it back exactly as it was
                previousPolicy = Files.readAllBytes(POLICY_RC_D);
                previousPermissions = Files.getPosixFilePermissions(POLICY_RC_D);
                previousTime = Files.getLastModifiedTime(POLICY_RC_D);
                notes.add(POLICY_RC_D + " existed before; it is restored byte for byte after the install");
            }
            Files.writeString(POLICY_RC_D, "#!/bin/sh\n# temporary, kiroku bench capture: do not start services\nexit 101\n");
            Files.setPosixFilePermissions(POLICY_RC_D, PosixFilePermissions.fromString("rwxr-xr-x"));
            Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
            List<String> install = List.of("apt-get", "-o", "DPkg::Lock::Timeout=120", "install", "-y", "-q", "auditd");
            Commands.Result r = Commands.run(install, Duration.ofMinutes(6), env);
            if (!r.ok()) {
                notes.add("apt-get install failed once (" + r.exitCode() + "), running apt-get update and retrying");
                Commands.run(List.of("apt-get", "-o", "DPkg::Lock::Timeout=120", "update", "-q"), Duration.ofMinutes(4), env);
                r = Commands.run(install, Duration.ofMinutes(6), env);
            }
            if (!r.ok()) return "apt-get install -y auditd failed (" + r.exitCode() + "): " + tail(r.output());
            notes.add("installed the auditd package (service not started: policy-rc.d exit 101 during the install)");
        } catch (IOException e) {
            return "installing auditd failed: " + e.getMessage();
        } finally {
            try {
                if (previousPolicy != null) {
                    Files.write(POLICY_RC_D, previousPolicy);
                    Files.setPosixFilePermissions(POLICY_RC_D, previousPermissions);
                    Files.setLastModifiedTime(POLICY_RC_D, previousTime);
                } else {
                    Files.deleteIfExists(POLICY_RC_D);
                }
            } catch (IOException e) {
                notes.add("WARNING: could not remove the temporary " + POLICY_RC_D + ": " + e.getMessage());
            }
        }
        if (Files.isExecutable(Path.of(AUDITD)) && Files.isExecutable(Path.of(AUDITCTL))) return null;
        return "auditd was installed but " + AUDITD + " or " + AUDITCTL + " is missing";
    }

    /**
     * Runs auditd for a warm-up storm and the measured storm. The caller holds the audit lock, has
     * stopped the agent, and passes the state read before the benchmark touched audit; this method
     * restores that state in its finally block, whatever happened.
     */
    static Outcome run(AuditState before, int warmup, int execs, Path workDir, Duration stormTimeout,
                       java.io.PrintStream progress) throws IOException, InterruptedException {
        List<String> notes = new ArrayList<>();
        if (before.enabled() == 2) throw new IOException("audit configuration is locked (enabled=2) until reboot");
        if (before.pid() != 0) throw new IOException("another audit daemon (pid " + before.pid() + ") is registered");
        Path dir = Files.createDirectories(workDir.resolve("auditd-" + System.currentTimeMillis()));
        Path confDir = Files.createDirectories(dir.resolve("etc"));
        Path pluginDir = Files.createDirectories(dir.resolve("plugins.d"));
        Path log = dir.resolve("audit.log");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
        Files.setPosixFilePermissions(confDir, PosixFilePermissions.fromString("rwxr-x---"));
        Files.setPosixFilePermissions(pluginDir, PosixFilePermissions.fromString("rwxr-x---"));
        Path conf = confDir.resolve("auditd.conf");
        Files.writeString(conf, config(log, pluginDir));
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r-----"));

        Process auditd = null;
        String marker = CaptureBench.marker("a");
        try {
            // The same kernel queue settings as the agent uses (AuditSourceConfig.defaults): a backlog of
            // at least 16384 and backlog_wait_time 0, so both daemons run under identical kernel settings
            // and neither can stall the machine's syscalls.
            long backlog = Math.max(before.backlogLimit(), 16_384);
            check(List.of(AUDITCTL, "-b", Long.toString(backlog), "--backlog_wait_time", "0"), "set backlog");
            auditd = new ProcessBuilder(AUDITD, "-n", "-c", confDir.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("auditd.out").toFile()).start();
            String pid = Long.toString(auditd.pid());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (true) {
                if (!auditd.isAlive()) {
                    throw new IOException("auditd exited with " + auditd.exitValue() + ": "
                            + tail(Files.readString(dir.resolve("auditd.out"))));
                }
                if (AuditState.read(AUDITCTL).pid() == auditd.pid()) break;
                if (System.nanoTime() > deadline) throw new IOException("auditd did not register as the audit daemon within 15 s");
                Thread.sleep(100);
            }
            check(List.of(AUDITCTL, "-a", "always,exit", "-F", "arch=b64", "-S", "execve,execveat", "-k", KEY), "add rule");
            progress.println("bench: auditd " + pid + " running (-n -c " + confDir + "), rule added; warm-up storm of " + warmup);

            long w0 = ProcStats.cpuMicros(pid);
            Storms.exec(CaptureBench.marker("aw"), warmup, stormTimeout);
            awaitQuiet(pid, log);
            double warmupPerExec = (double) (ProcStats.cpuMicros(pid) - w0) / warmup;

            AuditState s0 = AuditState.read(AUDITCTL);
            long offset = Files.size(log);
            long cpu0 = ProcStats.cpuMicros(pid);
            progress.println("bench: auditd exec storm of " + execs + " (load " + ProcStats.loadAverage() + ")");
            Storms.Result storm = Storms.exec(marker, execs, stormTimeout);
            awaitQuiet(pid, log);
            long cpu1 = ProcStats.cpuMicros(pid);
            long rss = ProcStats.statusKb(pid, "VmHWM");
            AuditState s1 = AuditState.read(AUDITCTL);
            Count count = count(log, offset, marker, execs);
            if (count.captured < execs) {
                Thread.sleep(3000);
                Count again = count(log, offset, marker, execs);
                if (again.captured != count.captured) {
                    notes.add("auditd: " + (again.captured - count.captured) + " marker execs were written after the quiet period");
                }
                count = again;
            }
            notes.add("auditd storm: " + storm.requested() + " execs in " + String.format("%.1f", storm.nanos() / 1e9)
                    + " s; kernel lost " + s0.lost() + " -> " + s1.lost() + ", backlog " + s1.backlog());
            return new Outcome(execs, count.captured, cpu1 - cpu0, storm.nanos(), s1.lost() - s0.lost(), count.allExecve,
                    rss, warmupPerExec, notes);
        } finally {
            cleanUp(before, auditd, progress);
            if (!Boolean.getBoolean("kiroku.bench.keep")) CaptureBench.deleteTree(dir);
        }
    }

    /** Deletes the rule, stops auditd, restores enabled/backlog settings; each step runs whatever the others did. */
    private static void cleanUp(AuditState before, Process auditd, java.io.PrintStream progress) {
        try {
            Commands.run(List.of(AUDITCTL, "-D", "-k", KEY), AuditState.TIMEOUT);
        } catch (IOException e) {
            progress.println("bench: WARNING: auditctl -D -k " + KEY + " failed: " + e.getMessage());
        }
        if (auditd != null) {
            auditd.destroy(); // SIGTERM: auditd unregisters itself and exits
            try {
                if (!auditd.waitFor(15, TimeUnit.SECONDS)) {
                    progress.println("bench: WARNING: auditd ignored SIGTERM for 15 s; killing it");
                    auditd.destroyForcibly();
                    auditd.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                auditd.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            Commands.Result r = Commands.run(List.of(AUDITCTL, "-e", Long.toString(before.enabled()),
                    "-b", Long.toString(before.backlogLimit()),
                    "--backlog_wait_time", Long.toString(before.backlogWaitTime())), AuditState.TIMEOUT);
            if (!r.ok()) progress.println("bench: WARNING: restoring audit settings failed: " + r.output().trim());
        } catch (IOException e) {
            progress.println("bench: WARNING: restoring audit settings failed: " + e.getMessage());
        }
    }

    private static void check(List<String> command, String what) throws IOException {
        Commands.Result r = Commands.run(command, AuditState.TIMEOUT);
        if (!r.ok()) throw new IOException(what + ": " + String.join(" ", command) + " failed (" + r.exitCode() + "): " + r.output().trim());
    }

    /** Waits until auditd's log stops growing and its CPU time stops moving for one second (max 120 s). */
    private static void awaitQuiet(String pid, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long size = Files.size(log);
        long cpu = ProcStats.cpuMicros(pid);
        int quiet = 0;
        while (quiet < 4 && System.nanoTime() < deadline) {
            Thread.sleep(250);
            long s = Files.size(log);
            long c = ProcStats.cpuMicros(pid);
            // background noise from the rest of the machine is tolerated: a few records per 250 ms
            quiet = s - size < 16 * 1024 && c - cpu <= 10_000 ? quiet + 1 : 0;
            size = s;
            cpu = c;
        }
    }

    private record Count(int captured, int allExecve) {
    }

    /** Marker execs whose EXECVE record shows exactly {@code argc=3 a0="/bin/true" a1="<marker>" a2="<i>"}. */
    private static Count count(Path log, long offset, String marker, int n) throws IOException {
        Pattern exact = Pattern.compile(" argc=3 a0=\"/bin/true\" a1=\"" + Pattern.quote(marker) + "\" a2=\"(\\d+)\"$");
        BitSet seen = new BitSet(n);
        int all = 0;
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            file.seek(offset);
            BufferedReader reader = new BufferedReader(new InputStreamReader(Channels.newInputStream(file.getChannel()),
                    StandardCharsets.UTF_8), 1 << 16);
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.startsWith("type=EXECVE ")) continue;
                all++;
                Matcher m = exact.matcher(line);
                if (m.find()) {
                    int i = Integer.parseInt(m.group(1));
                    if (i >= 0 && i < n) seen.set(i);
                }
            }
        }
        return new Count(seen.cardinality(), all);
    }

    /** The installed auditd.conf with the log moved to the benchmark's directory, raw format, no plugins, no suspend. */
    private static String config(Path log, Path pluginDir) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        Path installed = Path.of("/etc/audit/auditd.conf");
        if (Files.isReadable(installed)) {
            for (String line : Files.readAllLines(installed)) {
                String t = line.trim();
                if (t.isEmpty() || t.startsWith("#") || !t.contains("=")) continue;
                values.put(t.substring(0, t.indexOf('=')).trim(), t.substring(t.indexOf('=') + 1).trim());
            }
        }
        values.putIfAbsent("local_events", "yes");
        values.putIfAbsent("flush", "INCREMENTAL_ASYNC");
        values.putIfAbsent("freq", "50");
        values.putIfAbsent("priority_boost", "4");
        values.putIfAbsent("q_depth", "2000");
        values.put("write_logs", "yes");
        values.put("log_file", log.toString());
        values.put("log_group", "root");
        values.put("log_format", "RAW");
        values.put("max_log_file", "4096");
        values.put("max_log_file_action", "IGNORE");
        values.put("space_left", "75");
        values.put("space_left_action", "IGNORE");
        values.put("admin_space_left", "50");
        values.put("admin_space_left_action", "IGNORE");
        values.put("disk_full_action", "IGNORE");
        values.put("disk_error_action", "IGNORE");
        values.put("verify_email", "no");
        values.put("plugin_dir", pluginDir.toString());
        StringBuilder text = new StringBuilder("# kiroku bench capture: temporary auditd configuration\n");
        values.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        return text.toString();
    }

    private static String tail(String text) {
        String t = text.trim();
        return t.length() > 600 ? "…" + t.substring(t.length() - 600) : t;
    }
}
