package dev.kiroku.agent.journal;

import dev.kiroku.event.Event;
import dev.kiroku.event.EventCodec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Measures the journal on synthesised endpoint events against baselines from the same run:
 * the raw codec bytes per event, and writing those bytes uncompressed with the same batching.
 * Not a test; run with {@code java -cp ... dev.kiroku.agent.journal.JournalBench [--quick] [--json] [dir]}.
 */
public final class JournalBench {
    private JournalBench() {
    }

    /** One measured configuration. */
    record Result(String name, long events, double eventsPerSecond, double bytesPerEvent, double cpuMicrosPerEvent) {
    }

    /** CPU time (user + system) of this process in nanoseconds: the bench's threads and the journal's flusher. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    public static void main(String[] args) throws IOException {
        List<String> list = List.of(args);
        Path dir = list.stream().filter(a -> !a.startsWith("--")).findFirst().map(Path::of)
                .orElse(Files.createTempDirectory("journal-bench"));
        run(list.contains("--quick"), list.contains("--json"), System.out, dir);
    }

    public static void run(boolean quick, boolean json, PrintStream out, Path workDir) throws IOException {
        int count = quick ? 50_000 : 400_000;
        Files.createDirectories(workDir);
        List<Event> events = new SyntheticEvents(42, Instant.parse("2026-11-27T08:00:00Z")).take(count);
        JournalConfig base = JournalConfig.defaults().withFlushInterval(Duration.ofMillis(200))
                .withDurability(JournalConfig.Durability.PROCESS_CRASH);

        // Warm up the codec and the journal path once so the first measured run is not the JIT's.
        journal("warmup", events.subList(0, Math.min(events.size(), 20_000)), base, workDir.resolve("warmup"));

        List<Result> results = new ArrayList<>();
        results.add(encodeOnly(events));
        results.add(rawFile(events, workDir.resolve("raw.bin")));
        results.add(journal("journal default (deflate 1, 128 KiB blocks)", events, base, workDir.resolve("j-default")));
        results.add(journal("journal deflate 6", events, base.withCompressionLevel(6), workDir.resolve("j-level6")));
        results.add(journal("journal deflate 9", events, base.withCompressionLevel(9), workDir.resolve("j-level9")));
        results.add(journal("journal 32 KiB blocks", events, base.withBlockBytes(32 * 1024), workDir.resolve("j-32k")));
        results.add(journal("journal 512 KiB blocks", events, base.withBlockBytes(512 * 1024), workDir.resolve("j-512k")));
        results.add(journal("journal fsync each flush", events, base.withDurability(JournalConfig.Durability.POWER_LOSS),
                workDir.resolve("j-fsync")));
        results.add(journal("journal quiet host: 10-event blocks", events, base.withFlushEvents(10), workDir.resolve("j-10")));
        results.add(journal("journal quiet host: 50-event blocks", events, base.withFlushEvents(50), workDir.resolve("j-50")));
        Result rawJson = results.get(0);
        Result rawWrite = results.get(1);

        if (json) {
            StringBuilder s = new StringBuilder("{\"events\":" + count + ",\"results\":[");
            for (int i = 0; i < results.size(); i++) {
                Result r = results.get(i);
                if (i > 0) s.append(',');
                Map<String, Object> m = new LinkedHashMap<>();
                s.append(String.format("{\"name\":\"%s\",\"events_per_second\":%.0f,\"cpu_us_per_event\":%.2f,"
                                + "\"journal_bytes_per_event\":%.1f,\"bytes_ratio_to_raw_json\":%.4f,\"rate_ratio_to_raw_write\":%.3f}",
                        r.name(), r.eventsPerSecond(), r.cpuMicrosPerEvent(), r.bytesPerEvent(), r.bytesPerEvent() / rawJson.bytesPerEvent(),
                        r.eventsPerSecond() / rawWrite.eventsPerSecond()));
            }
            out.println(s.append("]}"));
        } else {
            out.printf("journal bench: %,d synthesised events (process, file, network, logon)%n", count);
            out.printf("%-44s %14s %12s %14s %12s %12s%n", "configuration", "events/s", "CPU µs/event", "bytes/event",
                    "bytes/raw", "rate/raw");
            for (Result r : results) {
                out.printf("%-44s %,14.0f %12.2f %14.1f %12.4f %12.3f%n", r.name(), r.eventsPerSecond(), r.cpuMicrosPerEvent(),
                        r.bytesPerEvent(), r.bytesPerEvent() / rawJson.bytesPerEvent(), r.eventsPerSecond() / rawWrite.eventsPerSecond());
            }
            out.println("bytes/raw: on-disk bytes against raw codec JSON; rate/raw: append rate against writing raw JSON uncompressed");
        }
    }

    private static Result encodeOnly(List<Event> events) {
        long bytes = 0;
        long start = System.nanoTime();
        long cpu = processCpuNanos();
        for (int i = 0; i < events.size(); i++) bytes += EventCodec.encode(events.get(i).withSequence(i + 1)).length;
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result("baseline: codec JSON, encode only", events.size(), events.size() / seconds,
                (double) bytes / events.size(), (processCpuNanos() - cpu) / 1e3 / events.size());
    }

    private static Result rawFile(List<Event> events, Path file) throws IOException {
        long start = System.nanoTime();
        long cpu = processCpuNanos();
        ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int i = 0; i < events.size(); i++) {
                byte[] bytes = EventCodec.encode(events.get(i).withSequence(i + 1));
                if (buffer.remaining() < bytes.length + 4) {
                    buffer.flip();
                    while (buffer.hasRemaining()) channel.write(buffer);
                    buffer.clear();
                }
                if (bytes.length + 4 > buffer.capacity()) throw new IOException("event larger than the bench buffer");
                buffer.putInt(bytes.length).put(bytes);
            }
            buffer.flip();
            while (buffer.hasRemaining()) channel.write(buffer);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result("baseline: raw JSON written uncompressed", events.size(), events.size() / seconds,
                (double) Files.size(file) / events.size(), (processCpuNanos() - cpu) / 1e3 / events.size());
    }

    /**
     * Journals {@code events} with the agent's default configuration (without fsync, which does not
     * change the bytes, and without cap or retention, so events of any age and number stay) in a new
     * journal in {@code dir} and returns the bytes of its segments.
     */
    public static long bytesOnDisk(java.util.Iterator<Event> events, Path dir) throws IOException {
        JournalConfig defaults = JournalConfig.defaults();
        JournalConfig config = defaults.withDurability(JournalConfig.Durability.PROCESS_CRASH)
                .withSizes(defaults.segmentBytes(), Long.MAX_VALUE).withRetention(Duration.ofDays(365L * 100));
        try (Journal journal = Journal.open(dir, config, InstantSource.system())) {
            while (events.hasNext()) journal.append(events.next());
        }
        return segmentBytes(dir);
    }

    private static long segmentBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> Segment.isSegmentName(p.getFileName().toString())).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
        }
    }

    private static Result journal(String name, List<Event> events, JournalConfig config, Path dir) throws IOException {
        deleteTree(dir);
        long start = System.nanoTime();
        long cpu = processCpuNanos();
        try (Journal journal = Journal.open(dir, config, InstantSource.system())) {
            for (Event e : events) journal.append(e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuMicros = (processCpuNanos() - cpu) / 1e3 / events.size();
        long bytes = segmentBytes(dir);
        deleteTree(dir);
        return new Result(name, events.size(), events.size() / seconds, (double) bytes / events.size(), cpuMicros);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
