package dev.kiroku.sandbox.detonate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cgroups of one detonation, created under this JVM's own cgroups and removed afterwards.
 * Membership and killing use cgroup v2 ({@code cgroup.kill}); the limits use v2 controllers when the
 * v2 hierarchy offers cpu, memory and pids, else the v1 hierarchies of a hybrid host (this machine:
 * v2 at /sys/fs/cgroup/unified has no controllers, cpu/memory/pids are v1).
 */
public final class SandboxCgroup implements AutoCloseable {
    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private final Path unified;
    private final Map<String, Path> v1;
    private final boolean v2Limits;
    private final String relativePath;

    private SandboxCgroup(Path unified, Map<String, Path> v1, boolean v2Limits, String relativePath) {
        this.unified = unified;
        this.v1 = v1;
        this.v2Limits = v2Limits;
        this.relativePath = relativePath;
    }

    /** Creates the cgroups named {@code name} and writes the limits; what was created is removed if a step fails. */
    public static SandboxCgroup create(String name, Limits limits) throws IOException {
        Path v2Root = Files.exists(ROOT.resolve("unified/cgroup.procs")) ? ROOT.resolve("unified") : ROOT;
        if (!Files.exists(v2Root.resolve("cgroup.procs"))) throw new IOException("no cgroup v2 hierarchy at " + v2Root);
        Map<String, String> own = ownCgroups();
        String v2Parent = own.getOrDefault("", "/");
        Path unified = v2Root.resolve(strip(v2Parent)).resolve(name);
        String controllers = Files.readString(unified.getParent().resolve("cgroup.controllers"));
        boolean v2Limits = controllers.contains("cpu") && controllers.contains("memory") && controllers.contains("pids");
        Map<String, Path> v1 = new LinkedHashMap<>();
        SandboxCgroup cgroup = new SandboxCgroup(unified, v1, v2Limits, (v2Parent.endsWith("/") ? v2Parent : v2Parent + "/") + name);
        try {
            Files.createDirectory(unified);
            if (v2Limits) {
                Files.writeString(unified.getParent().resolve("cgroup.subtree_control"), "+cpu +memory +pids");
                write(unified.resolve("cpu.max"), limits.cpuPercent() * 1000 + " 100000");
                write(unified.resolve("memory.max"), Long.toString(limits.memoryBytes()));
                write(unified.resolve("memory.swap.max"), "0");
                write(unified.resolve("pids.max"), Integer.toString(limits.maxProcesses()));
            } else {
                for (String controller : List.of("cpu", "memory", "pids")) {
                    Path dir = ROOT.resolve(controller).resolve(strip(own.getOrDefault(controller, "/"))).resolve(name);
                    Files.createDirectory(dir);
                    v1.put(controller, dir);
                }
                write(v1.get("cpu").resolve("cpu.cfs_period_us"), "100000");
                write(v1.get("cpu").resolve("cpu.cfs_quota_us"), Integer.toString(limits.cpuPercent() * 1000));
                write(v1.get("memory").resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
                write(v1.get("pids").resolve("pids.max"), Integer.toString(limits.maxProcesses()));
            }
        } catch (IOException | RuntimeException e) {
            cgroup.close();
            throw new IOException("cannot set up sandbox cgroup " + name + ": " + e.getMessage(), e);
        }
        return cgroup;
    }

    /** The cgroup.procs files a process writes its pid into to join every hierarchy. */
    public List<Path> procsFiles() {
        List<Path> files = new ArrayList<>();
        files.add(unified.resolve("cgroup.procs"));
        for (Path dir : v1.values()) files.add(dir.resolve("cgroup.procs"));
        return files;
    }

    /** The v2 path as /proc/PID/cgroup shows it ("/kiroku-sbx-…"). */
    public String path() {
        return relativePath;
    }

    /** Kills every process in the sandbox at once. */
    public void kill() throws IOException {
        if (Files.exists(unified.resolve("cgroup.kill"))) write(unified.resolve("cgroup.kill"), "1");
    }

    public boolean empty() throws IOException {
        return !Files.exists(unified) || Files.readString(unified.resolve("cgroup.procs")).isBlank();
    }

    /** Resource facts for the report: peak processes, whether limits were hit, CPU used. */
    public Usage usage() {
        if (v2Limits) {
            return new Usage(readLong(unified.resolve("pids.peak")), eventCount(unified.resolve("pids.events"), "max") > 0,
                    readLong(unified.resolve("memory.peak")), eventCount(unified.resolve("memory.events"), "max") > 0,
                    eventCount(unified.resolve("cpu.stat"), "usage_usec"), eventCount(unified.resolve("cpu.stat"), "nr_throttled"));
        }
        Path pids = v1.get("pids");
        Path memory = v1.get("memory");
        Path cpu = v1.get("cpu");
        return new Usage(readLong(pids.resolve("pids.peak")), eventCount(pids.resolve("pids.events"), "max") > 0,
                readLong(memory.resolve("memory.max_usage_in_bytes")), readLong(memory.resolve("memory.failcnt")) > 0,
                eventCount(unified.resolve("cpu.stat"), "usage_usec"), eventCount(cpu.resolve("cpu.stat"), "nr_throttled"));
    }

    /**
     * @param peakProcesses  most processes at once
     * @param processLimitHit a fork was refused by pids.max
     * @param peakMemory     bytes
     * @param memoryLimitHit an allocation hit the memory limit
     * @param cpuMicros      CPU time used
     * @param throttledPeriods scheduler periods in which the CPU quota ran out
     */
    public record Usage(long peakProcesses, boolean processLimitHit, long peakMemory, boolean memoryLimitHit, long cpuMicros,
                        long throttledPeriods) {
    }

    /** Kills what is left, waits for it to go and removes every cgroup directory. */
    @Override
    public void close() throws IOException {
        boolean interrupted = Thread.interrupted(); // clean-up runs to its end; the interrupt is kept
        try {
            removeAll();
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private void removeAll() throws IOException {
        List<String> failures = new ArrayList<>();
        try {
            if (Files.exists(unified)) {
                kill();
                for (int i = 0; i < 100 && !empty(); i++) Thread.sleep(20);
            }
        } catch (IOException | InterruptedException e) {
            failures.add("kill: " + e.getMessage());
        }
        for (Path dir : v1.values()) {
            for (String pid : readLines(dir.resolve("cgroup.procs"))) kill(pid);
            remove(dir, failures);
        }
        remove(unified, failures);
        if (!failures.isEmpty()) throw new IOException("sandbox cgroup cleanup: " + failures);
    }

    private static void kill(String pid) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
    }

    private static void remove(Path dir, List<String> failures) {
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (IOException e) {
                if (attempt == 49) failures.add(dir + ": " + e.getMessage());
                try {
                    Thread.sleep(20);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    failures.add(dir + ": interrupted");
                    return;
                }
            }
        }
    }

    /** hierarchy ("" for v2, else the v1 controller) → this JVM's path in it. */
    private static Map<String, String> ownCgroups() throws IOException {
        Map<String, String> paths = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] parts = line.split(":", 3);
            if (parts.length < 3) continue;
            for (String controller : parts[1].split(",")) paths.put(controller, parts[2]);
        }
        return paths;
    }

    private static String strip(String path) {
        return path.startsWith("/") ? path.substring(1) : path;
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value);
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(s -> !s.isBlank()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static long readLong(Path file) {
        try {
            String text = Files.readString(file).trim();
            return text.equals("max") ? Long.MAX_VALUE : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** The value after "key " in a flat keyed file (pids.events, cpu.stat); 0 when absent. */
    private static long eventCount(Path file, String key) {
        for (String line : readLines(file)) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2 && kv[0].equals(key)) return Long.parseLong(kv[1]);
        }
        return 0;
    }
}
