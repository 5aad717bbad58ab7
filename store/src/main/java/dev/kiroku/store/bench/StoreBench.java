package dev.kiroku.store.bench;

import dev.kiroku.event.Event;
import dev.kiroku.event.EventCodec;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.Page;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Benchmark of the Lucene event store: ingest rate, index bytes per event, keyword-search latency,
 * each next to a baseline measured in the same run (EventCodec encoding rate and size).
 * Not a test; run with {@code java -cp ... dev.kiroku.store.bench.StoreBench [--quick] [--json] [--dir D]}.
 */
public final class StoreBench {
    private static final Instant START = Instant.parse("2025-03-10T00:00:00Z");
    /** Event streams the bench generates (their events interleave in time); each is journaled on its own. */
    private static final int THREADS = 2;
    private static final int BATCH = 2_000;
    /** Consecutive events of one agent in an append: what one agent ships in a second at 50 events/s. */
    private static final int AGENT_RUN = 50;
    /** Changes with the document layout, so that a kept store of another layout is built again (4: store layout 9). */
    private static final String LAYOUT = "4";
    /** Beside the store: which events the kept store holds, written once its ingest is complete. */
    private static final String MARKER = "store-complete.txt";

    private StoreBench() {
    }

    public static void main(String[] args) throws IOException {
        boolean quick = Arrays.asList(args).contains("--quick");
        boolean json = Arrays.asList(args).contains("--json");
        int dirAt = Arrays.asList(args).indexOf("--dir");
        Path work = dirAt >= 0 ? Path.of(args[dirAt + 1]) : Files.createTempDirectory("kiroku-store-bench");
        run(quick, json, System.out, work);
    }

    /**
     * The on-disk bytes an agent journal needs for a stream of events (the agent module measures
     * it with its real journal; the store module cannot depend on the agent).
     */
    @FunctionalInterface
    public interface JournalMeter {
        long bytesOnDisk(Iterator<Event> events, Path dir) throws IOException;
    }

    /** Runs the benchmark in {@code workDir} without the journal measurement (see the other {@code run}). */
    public static Map<String, Object> run(boolean quick, boolean json, PrintStream out, Path workDir) {
        return run(quick, json, out, workDir, null);
    }

    /**
     * Runs the benchmark in {@code workDir} and prints the results. Its "store" subdirectory is
     * replaced, unless a full run finds there the complete store of the same events (a previous full
     * run's), which it then searches again without ingesting. With a {@code journal} meter, the same events are also journaled (after the ingest,
     * one journal per ingest thread, in parallel) for {@code journal_bytes_per_event}.
     */
    public static Map<String, Object> run(boolean quick, boolean json, PrintStream out, Path workDir, JournalMeter journal) {
        long events = Long.getLong("kiroku.bench.events", quick ? 600_000 : 10_000_000);
        // The pool repeats every poolSize events; -Dkiroku.bench.pool=N sets it (N = events: no event repeats;
        // 0: events generated while they are ingested, never repeating, without holding them all in memory).
        int poolSize = Integer.getInteger("kiroku.bench.pool", quick ? 150_000 : 400_000);
        boolean live = poolSize == 0;
        int hosts = quick ? 200 : 1_000;
        Duration span = quick ? Duration.ofHours(30) : Duration.ofDays(3);
        Path dir = workDir.resolve("store");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("events", events);
        r.put("pool", poolSize);
        // A full run builds its 10 M events once: the next full run over the same --dir searches them again.
        String identity = "events=" + events + " hosts=" + hosts + " span=" + span + " pool=" + poolSize
                + " fresh=" + Boolean.getBoolean("kiroku.bench.freshProcesses") + " moreHashes=" + moreHashes() + " layout=" + LAYOUT;
        Path marker = workDir.resolve(MARKER);
        boolean reuse = !quick && identity.equals(readMarker(marker));
        if (!reuse) {
            deleteTree(marker);
            deleteTree(dir);
        }
        r.put("store_reused", reuse);

        // Running processes per host (entity ids repeat over a process's events, as recorded); with
        // -Dkiroku.bench.freshProcesses=true every event has a process of its own, as before 2026-11-27.
        boolean fresh = Boolean.getBoolean("kiroku.bench.freshProcesses");
        SyntheticEvents generator = generator(42, hosts, fresh);
        r.put("process_model", fresh ? "fresh process per event" : "running processes per host");
        r.put("md5_sha1", moreHashes());
        List<List<Event>> pools = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) pools.add(new ArrayList<>());
        for (int i = 0; i < poolSize; i++) {
            int host = i % hosts;
            pools.get(host % THREADS).add(generator.event(host, 1, START));
        }
        // The server stores what agents ship: each batch is one agent's consecutive events.
        for (int t = 0; t < THREADS; t++) pools.set(t, inAgentRuns(pools.get(t), AGENT_RUN));
        r.put("agent_run", AGENT_RUN);
        log(out, json, live ? "events generated while ingested, never repeating, over " + hosts + " hosts"
                : "generated a pool of " + poolSize + " distinct events over " + hosts + " hosts");
        Templates templates = live ? stream -> new LiveEvents(stream, hosts, fresh) : stream -> cycling(pools.get(stream));

        // Baseline: canonical encoding of the same events (what the store must at least do per event).
        List<Event> sample = live ? first(templates.of(0), quick ? 150_000 : 400_000) : pools.getFirst();
        long codecBytes = 0;
        int encoded = 0;
        long t0 = System.nanoTime();
        for (int round = 0; round < 3; round++) {
            for (Event e : sample) {
                codecBytes += EventCodec.encode(e).length;
                encoded++;
            }
        }
        double encodeSeconds = (System.nanoTime() - t0) / 1e9;
        r.put("baseline_codec_encode_eps", Math.round(encoded / encodeSeconds));
        r.put("baseline_codec_bytes_per_event", round1((double) codecBytes / encoded));

        LuceneStoreOptions options = LuceneStoreOptions.defaults().withRamBufferMb(128).withRefreshInterval(Duration.ofSeconds(5));
        InstantSource clock = InstantSource.fixed(START.plus(span));
        r.put("load_average_at_start", loadAverage());
        r.put("jvm_flags", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        if (reuse) {
            log(out, json, "reusing the store of a previous run in " + dir + " (" + identity + ")");
            for (String key : List.of("ingest_eps", "ingest_cpu_s", "ingest_eps_per_cpu_s", "ingest_capacity_eps", "compact_s",
                    "compact_cpu_s", "ingest_and_compact_eps_per_cpu_s")) {
                r.put(key, null);
            }
        } else {
            ingestAll(r, out, json, dir, clock, options, templates, events, span, hosts);
            writeMarker(marker, identity);
        }
        long bytes = treeSize(dir);
        r.put("index_bytes", bytes);
        r.put("index_bytes_per_event", round1((double) bytes / events));

        long openStart = System.nanoTime();
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, options)) {
            r.put("open_ms", round1((System.nanoTime() - openStart) / 1e6));
            List<String> queries = queries(sample, new Random(7), hosts);
            for (String q : queries.subList(0, 30)) store.search(EventQuery.parse(q, clock)); // warm-up
            double[] latencies = new double[queries.size()];
            double[] cpu = new double[queries.size()];
            long hits = 0;
            var threads = ManagementFactory.getThreadMXBean();
            for (int i = 0; i < queries.size(); i++) {
                long s = System.nanoTime();
                long c = threads.getCurrentThreadCpuTime();
                Page page = store.search(EventQuery.parse(queries.get(i), clock));
                cpu[i] = (threads.getCurrentThreadCpuTime() - c) / 1e6;
                latencies[i] = (System.nanoTime() - s) / 1e6;
                hits += page.hits().size();
            }
            // The searching thread's CPU per query: what a search costs whatever the machine's load
            // (searches run on the calling thread: no executor).
            Arrays.sort(cpu);
            r.put("search_cpu_ms_p50", round2(percentile(cpu, 0.50)));
            r.put("search_cpu_ms_p95", round2(percentile(cpu, 0.95)));
            for (int kind = 0; kind < QUERY_KINDS.size(); kind++) {
                double[] own = new double[(latencies.length - kind + QUERY_KINDS.size() - 1) / QUERY_KINDS.size()];
                for (int i = kind, j = 0; i < latencies.length; i += QUERY_KINDS.size()) own[j++] = latencies[i];
                Arrays.sort(own);
                r.put("search_p95_ms_" + QUERY_KINDS.get(kind), round2(percentile(own, 0.95)));
            }
            Arrays.sort(latencies);
            r.put("search_queries", queries.size());
            r.put("search_p50_ms", round2(percentile(latencies, 0.50)));
            r.put("search_p95_ms", round2(percentile(latencies, 0.95)));
            r.put("search_mean_hits", round1((double) hits / queries.size()));
            long cs = System.nanoTime();
            long total = store.count(EventQuery.all());
            r.put("count_all_ms", round2((System.nanoTime() - cs) / 1e6));
            if (total != events) throw new IllegalStateException("stored " + total + " of " + events + " events");
        }
        r.put("journal_bytes_per_event", journal == null ? null : round1((double) journalBytes(journal, templates, events, stepNanos(span, events), hosts, workDir) / events));
        r.put("ingest_vs_codec_encode_ratio", reuse ? null : round2(((Number) r.get("ingest_eps")).doubleValue() / ((Number) r.get("baseline_codec_encode_eps")).doubleValue()));
        r.put("index_vs_codec_bytes_ratio", round2((double) r.get("index_bytes_per_event") / (double) r.get("baseline_codec_bytes_per_event")));
        r.put("target_ingest_eps_50000_met", reuse ? null : ((Number) r.get("ingest_eps")).longValue() >= 50_000);
        r.put("target_bytes_per_event_120_met", (double) r.get("index_bytes_per_event") <= 120);
        r.put("target_search_p95_100ms_met", (double) r.get("search_p95_ms") <= 100);
        print(out, json, r);
        return r;
    }

    /**
     * Threads appending at the same time: 1 by default, as the server appends (one batch at a time, the store
     * sharing each append's work over the cores); {@code -Dkiroku.bench.appenders=2} gives the shape of runs
     * before 2026-11-28 (session 11), two threads appending at once.
     */
    private static int appenders() {
        return Integer.getInteger("kiroku.bench.appenders", 1);
    }

    /** Ingests the pools' events with {@link #appenders()} threads and records the rate and the CPU time it took. */
    private static void ingestAll(Map<String, Object> r, PrintStream out, boolean json, Path dir, InstantSource clock,
                                  LuceneStoreOptions options, Templates templates, long events, Duration span, int hosts) {
        long ingestNanos;
        long ingestCpuNanos;
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, options)) {
            long perThread = events / THREADS;
            long stepNanos = stepNanos(span, events);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong ingestThreadsCpu = new AtomicLong();
            Generation generation = new Generation();
            List<Thread> threads = new ArrayList<>();
            long start = System.nanoTime();
            long cpuStart = processCpuNanos();
            Map<String, Long> threadsAtStart = ThreadCpu.byKind();
            int appenders = appenders();
            r.put("appenders", appenders);
            for (int t = 0; t < appenders; t++) {
                List<Iterator<Event>> streams = new ArrayList<>();
                for (int stream = t; stream < THREADS; stream += appenders) {
                    streams.add(threadEvents(templates.of(stream), stream, perThread, stepNanos, hosts));
                }
                threads.add(Thread.ofPlatform().name("ingest-" + t).start(() -> {
                    try {
                        ingest(store, streams, generation);
                    } catch (Throwable e) {
                        failure.set(e);
                    } finally {
                        ingestThreadsCpu.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                    }
                }));
            }
            for (Thread t : threads) t.join();
            if (failure.get() != null) throw new IllegalStateException("ingest failed", failure.get());
            store.commit();
            // Making the events is the bench's work, not the store's: its time and CPU are left out
            // (the appending thread waits for it, so its wall time is left out too).
            ingestNanos = System.nanoTime() - start - generation.wallNanos.get();
            ingestCpuNanos = processCpuNanos() - cpuStart - generation.cpuNanos.get();
            r.put("generate_cpu_s", round1(generation.cpuNanos.get() / 1e9));
            ThreadCpu.since(threadsAtStart, ingestThreadsCpu.get() - generation.cpuNanos.get(), ingestCpuNanos).forEach((kind, nanos) -> r.put("ingest_cpu_s_" + kind, round1(nanos / 1e9)));
            // Closed days are compacted by the maintenance thread once idle, during the ingest or
            // after it depending on the ingest's speed: finish that here, so that the bytes always
            // measure compacted closed days and the compaction's CPU is counted either way.
            long compactStart = System.nanoTime();
            long compactCpuStart = processCpuNanos();
            store.compactClosedDays();
            r.put("compact_s", round1((System.nanoTime() - compactStart) / 1e9));
            r.put("compact_cpu_s", round1((processCpuNanos() - compactCpuStart) / 1e9));
            r.put("ingest_and_compact_eps_per_cpu_s",
                    Math.round(events / ((ingestCpuNanos + processCpuNanos() - compactCpuStart) / 1e9)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        r.put("ingest_eps", Math.round(events / (ingestNanos / 1e9)));
        // The machine is shared: CPU time (all threads, merges included) says what the ingest costs
        // whatever the load; the rate the cores could carry at that cost is events / CPU-s x cores.
        r.put("ingest_cpu_s", round1(ingestCpuNanos / 1e9));
        r.put("ingest_eps_per_cpu_s", Math.round(events / (ingestCpuNanos / 1e9)));
        r.put("ingest_cores_used", round2((double) ingestCpuNanos / ingestNanos));
        r.put("ingest_capacity_eps", Math.round(events / (ingestCpuNanos / 1e9) * Math.min(THREADS, Runtime.getRuntime().availableProcessors())));
        log(out, json, "ingested " + events + " events in " + round1(ingestNanos / 1e9) + " s");
    }

    /**
     * The bench's event generator. The agent hashes executables with MD5 and SHA-1 besides SHA-256
     * (since 2026-11-26); -Dkiroku.bench.moreHashes=false generates the events of earlier runs.
     */
    private static SyntheticEvents generator(long seed, int hosts, boolean fresh) {
        SyntheticEvents generator = fresh ? new SyntheticEvents(seed, hosts) : SyntheticEvents.withProcessTables(seed, hosts);
        if (moreHashes()) generator.withMoreHashes();
        return generator;
    }

    private static boolean moreHashes() {
        return Boolean.parseBoolean(System.getProperty("kiroku.bench.moreHashes", "true"));
    }

    private static long stepNanos(Duration span, long events) {
        return span.toNanos() / events;
    }

    /** Appends the streams' events in batches, the streams taking turns batch by batch. */
    private static void ingest(LuceneEventStore store, List<Iterator<Event>> streams, Generation generation) {
        List<Event> batch = new ArrayList<>(BATCH);
        var cpu = ManagementFactory.getThreadMXBean();
        for (boolean any = true; any; ) {
            any = false;
            for (Iterator<Event> events : streams) {
                long wall = System.nanoTime();
                long own = cpu.getCurrentThreadCpuTime();
                while (events.hasNext() && batch.size() < BATCH) batch.add(events.next());
                generation.cpuNanos.addAndGet(cpu.getCurrentThreadCpuTime() - own);
                generation.wallNanos.addAndGet(System.nanoTime() - wall);
                if (batch.isEmpty()) continue;
                any = true;
                var result = store.append(batch);
                if (result.stored() != batch.size()) throw new IllegalStateException("not all stored: " + result);
                batch.clear();
            }
        }
    }

    /** The events reordered into runs of {@code run} consecutive events per agent, agents taking turns; each agent's order is kept. */
    private static List<Event> inAgentRuns(List<Event> events, int run) {
        Map<String, List<Event>> byAgent = new LinkedHashMap<>();
        for (Event e : events) byAgent.computeIfAbsent(e.agentId(), a -> new ArrayList<>()).add(e);
        List<Event> ordered = new ArrayList<>(events.size());
        for (int from = 0; ordered.size() < events.size(); from += run) {
            for (List<Event> own : byAgent.values()) {
                if (from < own.size()) ordered.addAll(own.subList(from, Math.min(own.size(), from + run)));
            }
        }
        return ordered;
    }

    /** Time and CPU the appending threads spent making events (pool or live), left out of the ingest's. */
    private static final class Generation {
        final AtomicLong wallNanos = new AtomicLong();
        final AtomicLong cpuNanos = new AtomicLong();
    }

    /** Where a stream's events come from (agent, host and payload; {@link #threadEvents} gives each its sequence and time). */
    @FunctionalInterface
    private interface Templates {
        /** The stream's templates from its first; the same each time it is called. */
        Supplier<Event> of(int stream);
    }

    private static Supplier<Event> cycling(List<Event> pool) {
        int[] next = {0};
        return () -> {
            Event e = pool.get(next[0]);
            next[0] = (next[0] + 1) % pool.size();
            return e;
        };
    }

    private static List<Event> first(Supplier<Event> templates, int count) {
        List<Event> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) out.add(templates.get());
        return out;
    }

    /**
     * A stream's events made as they are needed (pool 0): its hosts take turns, each with a run of
     * {@link #AGENT_RUN} events, from a generator of the stream's own, so nothing repeats and
     * nothing is held.
     */
    private static final class LiveEvents implements Supplier<Event> {
        private final SyntheticEvents generator;
        private final int[] hosts;
        private int host;
        private int inRun;

        LiveEvents(int stream, int hostCount, boolean fresh) {
            generator = generator(42 + stream, hostCount, fresh);
            hosts = java.util.stream.IntStream.range(0, hostCount).filter(h -> h % THREADS == stream).toArray();
        }

        @Override
        public Event get() {
            if (inRun == AGENT_RUN) {
                inRun = 0;
                host = (host + 1) % hosts.length;
            }
            inRun++;
            return generator.event(hosts[host], 1, START);
        }
    }

    /** The events one ingest thread stores, in order; the same each time it is called. */
    private static Iterator<Event> threadEvents(Supplier<Event> templates, int thread, long count, long stepNanos, int hosts) {
        long[] sequences = new long[hosts];
        return new Iterator<>() {
            long i;

            @Override
            public boolean hasNext() {
                return i < count;
            }

            @Override
            public Event next() {
                if (!hasNext()) throw new java.util.NoSuchElementException();
                Event template = templates.get();
                int host = Integer.parseInt(template.agentId().substring(6));
                Instant at = START.plusNanos((i * THREADS + thread) * stepNanos);
                i++;
                return new Event(template.agentId(), ++sequences[host], at, template.hostName(), List.of(), template.payload());
            }
        };
    }

    /** Journals the stored events again, one journal per ingest thread in parallel, and returns their bytes on disk. */
    private static long journalBytes(JournalMeter meter, Templates templates, long events, long stepNanos, int hosts,
                                     Path workDir) {
        long perThread = events / THREADS;
        long[] bytes = new long[THREADS];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Path dir = workDir.resolve("journal-" + t);
            threads.add(Thread.ofPlatform().name("journal-" + t).start(() -> {
                try {
                    deleteTree(dir);
                    bytes[thread] = meter.bytesOnDisk(threadEvents(templates.of(thread), thread, perThread, stepNanos, hosts), dir);
                    deleteTree(dir);
                } catch (Throwable e) {
                    failure.set(e);
                }
            }));
        }
        try {
            for (Thread t : threads) t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (failure.get() != null) throw new IllegalStateException("journaling the events failed", failure.get());
        return Arrays.stream(bytes).sum();
    }

    /** The kinds of {@link #queries}, in the order they take turns (for the latency of each kind). */
    private static final List<String> QUERY_KINDS = List.of("host", "process_name", "user_exec", "destination_ip",
            "port_and_host", "command_phrase", "sha256", "executable_prefix", "entity_or_extension_not_user", "word_not_host");

    /** Keyword searches an analyst would type, with values drawn from the data. */
    private static List<String> queries(List<Event> sample, Random random, int hosts) {
        List<String> queries = new ArrayList<>();
        for (int i = 0; i < 230; i++) {
            Event e = sample.get(random.nextInt(sample.size()));
            Map<String, Object> ecs = e.toEcs();
            String q = switch (i % 10) {
                case 0 -> "host.name:" + SyntheticEvents.hostName(random.nextInt(hosts));
                case 1 -> "process.name:" + ecs.get("process.name");
                case 2 -> "user.name:" + ecs.get("user.name") + " AND event.action:exec";
                case 3 -> e.payload() instanceof NetworkActivity n ? "destination.ip:" + n.destinationIp() : "destination.ip:10.1.0.0/16";
                case 4 -> "destination.port:5432 AND host.name:" + e.hostName();
                case 5 -> "process.command_line:\"--user admin\"";
                case 6 -> "process.hash.sha256:" + ecs.get("process.hash.sha256");
                case 7 -> "process.executable:/usr/bin/cu*";
                case 8 -> e.payload() instanceof ProcessStart ? "process.entity_id:" + ecs.get("process.entity_id") : "file.extension:sh AND NOT user.name:root";
                default -> "curl AND NOT host.name:" + e.hostName();
            };
            queries.add(q);
        }
        return queries;
    }

    private static String readMarker(Path marker) {
        try {
            return Files.exists(marker) ? Files.readString(marker).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void writeMarker(Path marker, String identity) {
        try {
            Files.writeString(marker, identity + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + marker, e);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static void log(PrintStream out, boolean json, String line) {
        if (!json) out.println(line);
    }

    private static void print(PrintStream out, boolean json, Map<String, Object> r) {
        if (json) {
            StringBuilder b = new StringBuilder("{");
            r.forEach((k, v) -> {
                if (b.length() > 1) b.append(", ");
                b.append('"').append(k).append("\": ").append(v instanceof String s ? '"' + s + '"' : String.valueOf(v));
            });
            out.println(b.append('}'));
        } else {
            r.forEach((k, v) -> out.printf(Locale.ROOT, "%-34s %s%n", k, v));
        }
    }

    private static long treeSize(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }
}
