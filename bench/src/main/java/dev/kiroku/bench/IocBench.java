package dev.kiroku.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.detect.sigma.FieldMapping;
import dev.kiroku.detect.sigma.LoadOptions;
import dev.kiroku.detect.sigma.MapDocument;
import dev.kiroku.detect.sigma.Matcher;
import dev.kiroku.detect.sigma.SigmaLoader;
import dev.kiroku.event.Event;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.indicators.ImportResult;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.IndicatorFiles;
import dev.kiroku.indicators.expr.EventView;
import dev.kiroku.indicators.hunt.RetroHunt;
import dev.kiroku.indicators.lists.PlainListReader;
import dev.kiroku.indicators.match.LiveMatcher;
import dev.kiroku.store.bench.SyntheticEvents;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * {@code ./kiroku bench ioc}: what live indicator matching adds to the server's per-event pipeline, and how long
 * retro-hunts take. Indicators: 100,000 generated list indicators and every evaluable shared OpenIOC file.
 *
 * <p>Live, against the server pipeline ({@code overhead_ratio}): the same synthetic events go through the server's
 * ingest pipeline as {@code KirokuServer} wires it ({@link IocPipeline}: {@code StoreIngest.withLog} over a real Lucene
 * store with its write-ahead log and fsyncs, then detection with the built-in Sigma pack on its own thread and
 * {@code IndicatorService.afterStore}), in batches of {@value #BATCH} as agents send them, with fresh agent ids in
 * every pass so nothing is deduplicated. Passes alternate without and with the indicators; each is measured in
 * process CPU time (all threads), and the live matcher's own CPU time is taken by ThreadMXBean around
 * {@code afterStore}. {@code overhead_ratio} = median matcher CPU per event / median process CPU per event of the
 * passes without indicators ({@code pipeline_cpu_ns_per_event}, {@code matcher_cpu_ns_per_event});
 * {@code pipeline_overhead_ratio_by_difference} compares the process CPU of the two kinds of passes instead (noisier).
 *
 * <p>Live, against detection alone ({@code overhead_ratio_detection_only}, the definition before session 9): a single
 * thread runs {@code Event.toEcs()} and the compiled Sigma engine on each event (baseline), and the same plus
 * {@link LiveMatcher#match} on the same flattened fields; passes alternate and the medians of the thread's CPU time are
 * compared ({@code baseline_ns_per_event}, {@code with_indicators_ns_per_event}). {@code matcher_alone_cpu_ns_per_event}:
 * the thread's CPU time of {@link LiveMatcher#match(Event)} alone, as {@code afterStore} calls it, per event.
 *
 * <p>Retro: N events stored in a {@link LuceneEventStore}, then each evaluable shared OpenIOC file hunted
 * over the whole history; latency percentiles over those hunts.
 */
public final class IocBench {
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    /** Events per batch sent through the server pipeline (agents send up to a few hundred). */
    static final int BATCH = 250;

    private IocBench() {
    }

    public static int run(boolean quick, boolean json, PrintStream out, Path work) throws IOException {
        return run(quick, json, out, work, null);
    }

    /**
     * @param existingStore a Lucene event store to hunt over instead of building one ({@code --store}: the store's
     *                      root, or a directory holding it as {@code events/}, e.g. {@code bench investigate}'s cached
     *                      fleet); it is opened for writing by Lucene, so pass a copy
     */
    public static int run(boolean quick, boolean json, PrintStream out, Path work, Path existingStore) throws IOException {
        Path datasets = dev.kiroku.detect.sigma.Datasets.root();
        Path openIoc = datasets.resolve("openioc");
        if (!Files.isDirectory(openIoc)) {
            out.println("bench ioc needs the shared OpenIOC files at " + openIoc.toAbsolutePath() + " (set -Dkiroku.datasets)");
            return 2;
        }
        List<Indicator> iocFiles = new ArrayList<>();
        List<String> iocNames = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(openIoc)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".ioc")).sorted().toList()) {
                ImportResult r = IndicatorFiles.read(f);
                for (Indicator i : r.evaluable()) {
                    iocFiles.add(i);
                    iocNames.add(f.getFileName().toString());
                }
            }
        }
        List<Indicator> list = generatedList(100_000);
        List<Indicator> all = new ArrayList<>(list);
        all.addAll(iocFiles);

        int liveEvents = Integer.getInteger("kiroku.bench.liveEvents", quick ? 20_000 : 500_000);
        List<Event> events = events(liveEvents, 17);
        Baseline baseline = baseline();
        LiveMatcher matcher = LiveMatcher.build(all, InstantSource.fixed(T0));
        long[] hitCount = {0};
        int rounds = quick ? 3 : 5;
        long[] base = new long[rounds];
        long[] with = new long[rounds];
        long[] alone = new long[rounds];
        pass(events, baseline, null, hitCount); // warm-up
        pass(events, baseline, matcher, hitCount);
        matcherAlone(events, matcher);
        for (int r = 0; r < rounds; r++) {
            base[r] = pass(events, baseline, null, hitCount);
            hitCount[0] = 0;
            with[r] = pass(events, baseline, matcher, hitCount);
            alone[r] = matcherAlone(events, matcher);
        }
        double aloneNs = median(alone) / (double) events.size();
        double baseNs = median(base) / (double) events.size();
        double withNs = median(with) / (double) events.size();
        Path pipelineDir = Files.createTempDirectory(Files.createDirectories(work), "ioc-pipeline-");
        PipelineResult pipeline = new PipelineResult(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0);
        try {
            // -Dkiroku.bench.iocPipeline=false skips it (to iterate on the matcher alone)
            if (!"false".equals(System.getProperty("kiroku.bench.iocPipeline"))) {
                // at most 10,000 (--quick) or 100,000 events per pass: each costs the store, log and detection ≈ 0.1–0.3 ms
                // of CPU, so the full mode's 500,000 would push 6 M events through Lucene
                int perPass = Math.min(events.size(), quick ? 10_000 : 100_000);
                pipeline = pipeline(pipelineDir, all, events.subList(0, perPass), rounds);
            }
        } finally {
            CaptureBench.deleteTree(pipelineDir);
        }

        Retro retro;
        if (existingStore != null) {
            Path root = Files.isDirectory(existingStore.resolve("events")) ? existingStore.resolve("events") : existingStore;
            if (!Files.isDirectory(root)) {
                out.println("bench ioc --store: no event store at " + root.toAbsolutePath());
                return 2;
            }
            retro = retroOver(root, iocFiles, iocNames);
        } else {
            retro = retro(Long.getLong("kiroku.bench.events", quick ? 50_000L : 10_000_000L), iocFiles, iocNames, work);
        }
        long stored = retro.events();

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("overhead_ratio", round(pipeline.matcherNs() / pipeline.pipelineNs(), 4));
        m.put("pipeline_cpu_ns_per_event", round(pipeline.pipelineNs(), 1));
        m.put("matcher_cpu_ns_per_event", round(pipeline.matcherNs(), 1));
        m.put("pipeline_with_indicators_cpu_ns_per_event", round(pipeline.withNs(), 1));
        m.put("pipeline_overhead_ratio_by_difference", round(pipeline.withNs() / pipeline.pipelineNs() - 1, 4));
        m.put("pipeline", "StoreIngest.withLog (Lucene store, write-ahead log, fsync) + Detection (built-in Sigma pack) "
                + "+ IndicatorService.afterStore, batches of " + BATCH + ", process CPU time");
        m.put("pipeline_wall_ns_per_event", round(pipeline.wallNs(), 1));
        m.put("pipeline_live_hits_per_pass", pipeline.hitsPerPass());
        m.put("pipeline_indicators_live", pipeline.live());
        m.put("overhead_ratio_detection_only", round(withNs / baseNs - 1, 4));
        m.put("matcher_alone_cpu_ns_per_event", round(aloneNs, 1));
        m.put("pipeline_ratio", round(withNs / baseNs, 4));
        m.put("baseline", baseline.description());
        m.put("baseline_ns_per_event", round(baseNs, 1));
        m.put("with_indicators_ns_per_event", round(withNs, 1));
        m.put("indicators_loaded", matcher.size());
        m.put("list_indicators", list.size());
        m.put("openioc_files_loaded", iocFiles.size());
        m.put("unindexed_conditions", matcher.unindexedCount());
        m.put("live_events", events.size());
        m.put("live_hits_per_pass", hitCount[0]);
        m.put("events", stored);
        m.put("retro_hunts", retro.latenciesMs().length);
        m.put("retro_p50_ms", round(percentile(retro.latenciesMs(), 0.50), 1));
        m.put("retro_p95_ms", round(percentile(retro.latenciesMs(), 0.95), 1));
        m.put("retro_max_ms", round(percentile(retro.latenciesMs(), 1.0), 1));
        m.put("retro_cpu_p50_ms", round(percentile(retro.cpuMs(), 0.50), 1));
        m.put("retro_cpu_p95_ms", round(percentile(retro.cpuMs(), 0.95), 1));
        m.put("retro_slowest_file", retro.slowest() < 0 ? "" : iocNames.get(retro.slowest()));
        m.put("retro_full_scans", retro.fullScans());
        m.put("retro_hits", retro.hits());
        m.put("store_ingest_s", round(retro.ingestSeconds(), 1));
        m.put("store", retro.store());
        m.put("retro_files", retro.perFile(iocNames));
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(m));
        } else {
            out.printf("live: server pipeline %.0f ns CPU/event, live matcher %.0f ns CPU/event with %d indicators: overhead %.1f %% "
                            + "(target <= 10 %%); with indicators %.0f ns CPU/event (%.1f %% by difference)%n",
                    pipeline.pipelineNs(), pipeline.matcherNs(), matcher.size(), pipeline.matcherNs() / pipeline.pipelineNs() * 100,
                    pipeline.withNs(), (pipeline.withNs() / pipeline.pipelineNs() - 1) * 100);
            out.printf("      detection only: baseline (%s) %.0f ns/event, with indicators %.0f ns/event: overhead %.1f %%%n",
                    baseline.description(), baseNs, withNs, (withNs / baseNs - 1) * 100);
            out.printf("      %d list indicators + %d OpenIOC files, %d conditions evaluated on every event, %d events per pass%n",
                    list.size(), iocFiles.size(), matcher.unindexedCount(), events.size());
            out.printf("retro: %d stored events, %d OpenIOC hunts: p50 %.0f ms, p95 %.0f ms, max %.0f ms (%s); %d needed a full scan; %d hits%n",
                    stored, retro.latenciesMs().length, percentile(retro.latenciesMs(), 0.5), percentile(retro.latenciesMs(), 0.95),
                    percentile(retro.latenciesMs(), 1.0), m.get("retro_slowest_file"), retro.fullScans(), retro.hits());
            out.printf("       CPU time per hunt: p50 %.0f ms, p95 %.0f ms; store %s%n", percentile(retro.cpuMs(), 0.5),
                    percentile(retro.cpuMs(), 0.95), retro.store());
            out.println("       slowest hunts (file, wall ms, CPU ms, events examined, hits):");
            for (Map<String, Object> f : retro.perFile(iocNames).subList(0, Math.min(10, retro.latenciesMs().length))) {
                out.printf("         %-50s %8.1f %8.1f %9d %5d%n", f.get("file"), (Double) f.get("wall_ms"), (Double) f.get("cpu_ms"),
                        (Long) f.get("examined"), (Long) f.get("hits"));
            }
        }
        return 0;
    }

    /** Medians per event of the server pipeline's passes: CPU without and with indicators, the matcher's CPU, wall. */
    private record PipelineResult(double pipelineNs, double withNs, double matcherNs, double wallNs, long hitsPerPass, int live) {
    }

    /**
     * Alternating passes through the server pipeline (one warm-up pair, then {@code rounds} pairs), each with the events
     * under agent ids of its own.
     */
    private static PipelineResult pipeline(Path dir, List<Indicator> indicators, List<Event> events, int rounds) throws IOException {
        Map<String, Indicator> distinct = new LinkedHashMap<>(); // the generated list repeats a few ids; the server keeps one
        for (Indicator i : indicators) distinct.put(i.id(), i);
        List<Indicator> loaded = List.copyOf(distinct.values());
        try (IocPipeline pipeline = IocPipeline.open(dir, loaded, InstantSource.fixed(T0.plus(Duration.ofDays(1))))) {
            long[] base = new long[rounds];
            long[] with = new long[rounds];
            long[] matcher = new long[rounds];
            long[] wall = new long[rounds];
            long hits = 0;
            int passes = 0;
            for (int r = -1; r < rounds; r++) {
                IocPipeline.Pass without = pipeline.pass(renamed(events, passes++), false, BATCH);
                IocPipeline.Pass withIndicators = pipeline.pass(renamed(events, passes++), true, BATCH);
                if (r < 0) continue; // warm-up
                base[r] = without.processCpuNs();
                with[r] = withIndicators.processCpuNs();
                matcher[r] = withIndicators.matcherCpuNs();
                wall[r] = without.wallNs();
                hits = withIndicators.liveHits();
            }
            double n = events.size();
            return new PipelineResult(median(base) / n, median(with) / n, median(matcher) / n, median(wall) / n, hits, pipeline.live());
        } catch (dev.kiroku.event.EventSink.DeliveryException e) {
            throw new IOException("bench ioc: the pipeline refused a batch: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("bench ioc: interrupted", e);
        }
    }

    /** The events as sent by agents of pass {@code pass} (new agent ids, so the store keeps them all). */
    private static List<Event> renamed(List<Event> events, int pass) {
        List<Event> out = new ArrayList<>(events.size());
        for (Event e : events) {
            out.add(new Event(e.agentId() + "-p" + pass, e.sequence(), e.timestamp(), e.hostName(), e.incomplete(), e.payload()));
        }
        return out;
    }

    /** The pipeline without indicators: ECS flattening and the Sigma engine (or flattening alone without the rule pack). */
    private record Baseline(Matcher sigma, String description) {
    }

    private static Baseline baseline() {
        Path rules = findUp(Path.of("content/src/main/resources/rules"));
        if (rules == null) return new Baseline(null, "Event.toEcs() flattening only (rule pack not found)");
        var loaded = SigmaLoader.load(List.of(rules), LoadOptions.defaults()).rules();
        return new Baseline(Matcher.compiled(loaded, FieldMapping.kiroku()),
                "Event.toEcs() + compiled Sigma engine with the built-in rule pack");
    }

    private static Path findUp(Path relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(relative))) return dir.resolve(relative);
        }
        return null;
    }

    /** The CPU time of this thread over {@link LiveMatcher#match(Event)} of every event, as the server's {@code afterStore} calls it. */
    private static long matcherAlone(List<Event> events, LiveMatcher matcher) {
        long start = THREADS.getCurrentThreadCpuTime();
        long sink = 0;
        for (Event e : events) sink += matcher.match(e).size();
        if (sink == 42) System.out.print("");
        return THREADS.getCurrentThreadCpuTime() - start;
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** This thread's CPU time over the pass (steadier than wall time on a loaded machine). */
    private static long pass(List<Event> events, Baseline baseline, LiveMatcher matcher, long[] hits) {
        long start = THREADS.getCurrentThreadCpuTime();
        long sink = 0;
        for (Event e : events) {
            Map<String, Object> ecs = e.toEcs();
            if (baseline.sigma() != null) sink += baseline.sigma().match(new MapDocument(ecs)).size();
            if (matcher != null) hits[0] += matcher.match(EventView.of(e, ecs)).size();
            sink += ecs.size();
        }
        if (sink == 42) System.out.print("");
        return THREADS.getCurrentThreadCpuTime() - start;
    }

    /** 100,000 list entries of every kind, through the real list reader. */
    static List<Indicator> generatedList(int n) {
        Random random = new Random(99);
        HexFormat hex = HexFormat.of();
        List<String> lines = new ArrayList<>(n + 1);
        lines.add("# generated benchmark feed");
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(100);
            if (kind < 40) {
                byte[] h = new byte[32];
                random.nextBytes(h);
                lines.add(hex.formatHex(h));
            } else if (kind < 65) {
                lines.add((random.nextInt(223) + 1) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256));
            } else if (kind < 70) {
                lines.add((random.nextInt(223) + 1) + "." + random.nextInt(256) + "." + random.nextInt(256) + ".0/24");
            } else if (kind < 85) {
                lines.add(word(random, 8) + "." + word(random, 6) + (random.nextBoolean() ? ".com" : ".net"));
            } else if (kind < 95) {
                lines.add(word(random, 7) + (random.nextBoolean() ? ".elf" : ".sh"));
            } else {
                lines.add("http://" + word(random, 9) + ".org/" + word(random, 5));
            }
        }
        return new PlainListReader().read(Path.of("generated-100k.txt"), lines).indicators();
    }

    private static String word(Random random, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) s.append((char) ('a' + random.nextInt(26)));
        return s.toString();
    }

    /** Synthetic endpoint events (the store benchmark's generator), 10 hosts, 50 ms apart. */
    private static List<Event> events(int n, long seed) {
        SyntheticEvents synthetic = new SyntheticEvents(seed, 10);
        List<Event> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(synthetic.event(i % 10, i / 10 + 1, T0.plusMillis(i * 50L)));
        return out;
    }

    /**
     * Hunt latencies by wall time and by the hunting thread's CPU time (steadier on a loaded machine), per hunt the
     * events the store queries returned and the hits, over a store of {@code events} events at {@code store}.
     */
    private record Retro(double[] latenciesMs, double[] cpuMs, long[] examined, long[] hitsPerHunt, int slowest, int fullScans,
                         long hits, double ingestSeconds, long events, String store) {
        /** Every hunt, slowest first: file, wall and CPU milliseconds, events examined, hits. */
        List<Map<String, Object>> perFile(List<String> names) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < latenciesMs.length; i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("file", names.get(i));
                row.put("wall_ms", round(latenciesMs[i], 1));
                row.put("cpu_ms", round(cpuMs[i], 1));
                row.put("examined", examined[i]);
                row.put("hits", hitsPerHunt[i]);
                rows.add(row);
            }
            rows.sort((a, b) -> Double.compare((Double) b.get("wall_ms"), (Double) a.get("wall_ms")));
            return rows;
        }
    }

    /**
     * Stores N events (or reuses the store a previous run with the same N left complete in the scratch directory, so
     * {@code --dir} makes a 10 M event store once), then hunts each OpenIOC file over the whole history.
     */
    private static Retro retro(long n, List<Indicator> iocFiles, List<String> names, Path work) throws IOException {
        Path dir = Files.createDirectories(work.resolve("ioc-store-" + n));
        Path complete = dir.resolve("kiroku-bench-complete");
        InstantSource clock = InstantSource.fixed(T0.plus(Duration.ofDays(30)));
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults())) {
            double ingest = Files.exists(complete) ? 0 : ingest(store, n, complete);
            return hunts(store, clock, iocFiles, names, ingest, n, "built " + dir);
        }
    }

    /** Hunts each OpenIOC file over an existing store (its whole history; "now" is the system clock). */
    private static Retro retroOver(Path root, List<Indicator> iocFiles, List<String> names) {
        InstantSource clock = InstantSource.system();
        try (LuceneEventStore store = new LuceneEventStore(root, clock, LuceneStoreOptions.defaults())) {
            long events = store.documentsPerDay().values().stream().mapToLong(Long::longValue).sum();
            return hunts(store, clock, iocFiles, names, 0, events, "existing " + root.toAbsolutePath());
        }
    }

    /** Hunts each file in turn; a line per hunt on standard error shows the progress of a long run. */
    private static Retro hunts(LuceneEventStore store, InstantSource clock, List<Indicator> iocFiles, List<String> names, double ingest,
                               long events, String description) {
        RetroHunt hunt = new RetroHunt(store, clock, 20_000_000);
        int n = iocFiles.size();
        double[] latencies = new double[n];
        double[] cpu = new double[n];
        long[] examined = new long[n];
        long[] hitsPerHunt = new long[n];
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        int slowest = -1, fullScans = 0;
        long hits = 0;
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            long c = threads.getCurrentThreadCpuTime();
            RetroHunt.Result r = hunt.hunt(iocFiles.get(i), null, null);
            latencies[i] = (System.nanoTime() - t) / 1e6;
            cpu[i] = (threads.getCurrentThreadCpuTime() - c) / 1e6;
            examined[i] = r.eventsExamined();
            hitsPerHunt[i] = r.hits().size();
            hits += r.hits().size();
            if (r.queries().contains("*")) fullScans++;
            if (slowest < 0 || latencies[i] > latencies[slowest]) slowest = i;
            System.err.printf("hunt %d/%d %s: %.1f ms wall, %.1f ms CPU, %d events examined, %d hits%n", i + 1, n, names.get(i),
                    latencies[i], cpu[i], examined[i], hitsPerHunt[i]);
        }
        return new Retro(latencies, cpu, examined, hitsPerHunt, slowest, fullScans, hits, ingest, events, description);
    }

    /** Appends the synthetic history (a planted exec every 100,000 events); returns the seconds it took. */
    private static double ingest(LuceneEventStore store, long n, Path complete) throws IOException {
        long start = System.nanoTime();
        SyntheticEvents synthetic = new SyntheticEvents(5, 10);
        int batch = 10_000;
        List<Event> buffer = new ArrayList<>(batch);
        for (long i = 0; i < n; i++) {
            Event e = synthetic.event((int) (i % 10), i / 10 + 1, T0.plusMillis(i * 200L));
            if (i % 100_000 == 0) e = planted(e); // something for the hunts to find
            buffer.add(e);
            if (buffer.size() == batch) {
                store.append(buffer);
                buffer.clear();
            }
        }
        if (!buffer.isEmpty()) store.append(buffer);
        store.commit();
        Files.writeString(complete, n + " events\n");
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * An exec of a process named like a common OpenIOC term value, with the MD5 an APT18 OpenIOC file lists, so the
     * hunts return hits.
     */
    private static Event planted(Event e) {
        ProcessInfo p = new ProcessInfo("planted-" + e.sequence(), 4242, e.timestamp(), null, "/tmp/svchost.exe",
                List.of("svchost.exe", "-k", "netsvcs"), "/tmp", null, null, -1, null, null,
                "079a440bee0f86d8a59ebc5c4b523a07", null);
        return new Event(e.agentId(), e.sequence(), e.timestamp(), e.hostName(), List.of(), new ProcessStart(p, false));
    }

    private static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static double percentile(double[] values, double p) {
        if (values.length == 0) return 0;
        double[] v = values.clone();
        Arrays.sort(v);
        return v[Math.min(v.length - 1, (int) Math.ceil(p * v.length) - 1 < 0 ? 0 : (int) Math.ceil(p * v.length) - 1)];
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
