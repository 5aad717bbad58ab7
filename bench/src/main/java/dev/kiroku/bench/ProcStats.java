package dev.kiroku.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and memory of a process from /proc; load average of the machine. */
final class ProcStats {

    private ProcStats() {
    }

    /** Clock ticks per second of the utime/stime fields (USER_HZ; 100 on Linux x86-64). */
    static final long CLK_TCK = clockTicks();

    /**
     * utime + stime of a process (all its threads, not its children), in microseconds, from
     * fields 14 and 15 of {@code /proc/<pid>/stat}; {@code "self"} for this JVM.
     */
    static long cpuMicros(String pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", pid, "stat"));
        // the command name (field 2) may contain spaces and parentheses: split after the last ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * 1_000_000L / CLK_TCK;
    }

    /**
     * CPU time (utime + stime, microseconds) of each thread of this JVM, summed by thread name
     * (digits folded to {@code #}, so "C2 CompilerThread0/1" add up), from /proc/self/task/N/stat.
     * Threads that ended between two snapshots are missing from the later one.
     */
    static java.util.Map<String, Long> threadCpuMicros() {
        java.util.Map<String, Long> byName = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "#");
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
                    long micros = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1_000_000L / CLK_TCK;
                    byName.merge(name, micros, Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException e) {
            return byName;
        }
        return byName;
    }

    /**
     * Context switches (voluntary: the thread blocked and was woken; involuntary: it was preempted) of each thread of
     * this JVM, summed by thread name as in {@link #threadCpuMicros()}, from /proc/self/task/N/status. Each is a
     * wake-up the thread paid for, which the CPU time alone does not tell apart from work.
     */
    static java.util.Map<String, Long> threadContextSwitches() {
        java.util.Map<String, Long> byName = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+", "#");
                    long switches = 0;
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            switches += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                        }
                    }
                    byName.merge(name, switches, Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException e) {
            return byName;
        }
        return byName;
    }

    /** Per-name CPU milliseconds spent between two {@link #threadCpuMicros()} snapshots, largest first, zeros left out. */
    static java.util.Map<String, Long> threadCpuDeltaMillis(java.util.Map<String, Long> before, java.util.Map<String, Long> after) {
        java.util.Map<String, Long> delta = new java.util.LinkedHashMap<>();
        after.entrySet().stream()
                .map(e -> java.util.Map.entry(e.getKey(), (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1000))
                .filter(e -> e.getValue() > 0)
                .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> delta.put(e.getKey(), e.getValue()));
        return delta;
    }

    /** A {@code kB} field of {@code /proc/<pid>/status} (VmHWM, VmRSS), in kB; -1 when absent. */
    static long statusKb(String pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
            }
        }
        return -1;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" +");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static double load1() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split(" +")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long clockTicks() {
        try {
            Commands.Result r = Commands.run(java.util.List.of("getconf", "CLK_TCK"), java.time.Duration.ofSeconds(10));
            if (r.exitCode() == 0) return Long.parseLong(r.output().trim());
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return 100;
    }
}
