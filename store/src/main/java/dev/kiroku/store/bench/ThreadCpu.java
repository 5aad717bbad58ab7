package dev.kiroku.store.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a benchmark's process CPU goes, by kind of thread (Linux: {@code /proc/self/task/N/stat}):
 * the ingest threads, the store's indexing helpers, Lucene's merge threads, the store's maintenance (refreshes, compaction), the
 * garbage collector and the JIT compilers. Threads that ended in between (finished merges) are
 * counted as "ended", except the ingest threads, which report their own; elsewhere than on Linux
 * nothing is reported.
 */
final class ThreadCpu {
    private static final List<String> KINDS = List.of("ingest", "indexing", "merges", "maintenance", "gc", "jit", "other");
    /** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
    private static final double TICK_NANOS = 1e9 / 100;

    private ThreadCpu() {
    }

    /** CPU nanoseconds of the live threads by kind (0 for the ingest threads, see {@link #since}). */
    static Map<String, Long> byKind() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String kind : KINDS) out.put(kind, 0L);
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String[] rest = stat.substring(close + 2).split(" ");
                long ticks = Long.parseLong(rest[11]) + Long.parseLong(rest[12]); // utime, stime (fields 14 and 15)
                String kind = kind(stat.substring(open + 1, close));
                // the ingest threads report their own CPU (they may linger here a moment after ending)
                if (!kind.equals("ingest")) out.merge(kind, Math.round(ticks * TICK_NANOS), Long::sum);
            }
        } catch (IOException e) {
            return Map.of();
        }
        return out;
    }

    /**
     * CPU by kind since {@code start}; the ingest threads (ended by now) say what they used
     * ({@code ingestNanos}), and what the other ended threads used is "ended" (of the process's {@code totalNanos}).
     */
    static Map<String, Long> since(Map<String, Long> start, long ingestNanos, long totalNanos) {
        Map<String, Long> now = byKind();
        if (now.isEmpty() || start.isEmpty()) return Map.of();
        Map<String, Long> out = new LinkedHashMap<>();
        long counted = 0;
        for (String kind : KINDS) {
            long used = Math.max(0, now.get(kind) - start.get(kind)) + (kind.equals("ingest") ? ingestNanos : 0);
            out.put(kind, used);
            counted += used;
        }
        out.put("ended", Math.max(0, totalNanos - counted));
        return out;
    }

    private static String kind(String name) {
        if (name.startsWith("ingest-")) return "ingest";
        if (name.startsWith("kiroku-index-")) return "indexing"; // /proc keeps 15 characters of a name
        if (name.startsWith("Lucene Merge")) return "merges";
        if (name.startsWith("kiroku-store")) return "maintenance";
        if (name.startsWith("GC Thread") || name.startsWith("G1 ")) return "gc";
        if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) return "jit";
        return "other";
    }
}
