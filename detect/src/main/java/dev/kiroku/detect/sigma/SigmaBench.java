package dev.kiroku.detect.sigma;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Benchmarks the compiled matcher against the oracle in the same run, single-threaded, raw mode: every SigmaHQ
 * rule that loads, over the raw Linux audit logs of {@code linux-audit} (when present) and the events of the
 * security-datasets archives. Reading and parsing the files is not timed. Timed: building the engine's view of each
 * parsed event ({@link MapDocument}, as the server's detection does for each event's ECS map) and matching, each
 * reported on its own; the engine rates count matching only, the {@code with_document} rate both.
 * The oracle runs on a sample of the events (it is slow); its matches are checked against the compiled ones.
 * Before timing, the JIT is warmed on {@value #BATCH} events sampled across all the events to be measured (a seeded
 * reservoir sample, read in a pass of its own, so the measured events are fresh copies), {@value #WARM_PASSES} passes;
 * then every event is matched and timed once (the first pass: {@code first_pass_*}, the JIT still compiling). Then, as
 * JMH measures after its warm-up iterations, the measured events (at most {@value #STEADY_EVENTS}) are matched again
 * for {@value #STEADY_ROUNDS} rounds and the median of the last half is the engine's rate ({@code engine_eps}, wall time
 * of the one matching thread; {@code engine_cpu_eps} per CPU second of it): the rate of a server whose JIT has compiled
 * the matcher. The speedup compares it with the oracle's rate.
 */
public final class SigmaBench {
    static final List<String> RULE_FOLDERS = List.of("rules", "rules-emerging-threats", "rules-threat-hunting", "rules-placeholder", "rules-compliance");
    private static final int BATCH = 4096;
    private static final int WARM_PASSES = 3;
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    /** What was measured. */
    /** Rates are per second of wall time; the {@code Cpu} ones per second of the measuring thread's CPU time. */
    public record Result(int rulesLoaded, long events, double engineEps, long oracleEvents, double oracleEps,
                         double speedup, long matches, long mismatches, int alwaysEvaluated,
                         double engineCpuEps, double oracleCpuEps, long linuxEvents, double withDocumentCpuEps,
                         double firstPassEps, double firstPassCpuEps, int warmupEvents, int steadyEvents) {
    }

    /** Rounds of the steady-state measurement; the median of the last half is reported. */
    private static final int STEADY_ROUNDS = 8;
    /** At most this many of the measured events are matched again in the steady-state rounds. */
    private static final int STEADY_EVENTS = 40_000;

    private SigmaBench() {
    }

    /** Runs with {@link Datasets#root()}; quick finishes in well under a minute. Returns 0, or 2 without datasets. */
    public static int run(boolean quick, boolean json, PrintStream out) {
        Result r;
        try {
            r = measure(Datasets.root(), quick);
        } catch (IOException e) {
            out.println("bench failed: " + e.getMessage());
            return 2;
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rules_loaded", r.rulesLoaded());
            m.put("events", r.events());
            m.put("linux_events", r.linuxEvents());
            m.put("engine_eps", Math.round(r.engineEps()));
            m.put("warmup_events", r.warmupEvents());
            m.put("warmup_passes", WARM_PASSES);
            m.put("steady_events", r.steadyEvents());
            m.put("steady_rounds", STEADY_ROUNDS);
            m.put("oracle_events", r.oracleEvents());
            m.put("oracle_eps", Math.round(r.oracleEps()));
            m.put("speedup", Math.round(r.speedup() * 10) / 10.0);
            m.put("matches", r.matches());
            m.put("mismatches", r.mismatches());
            m.put("always_evaluated_rules", r.alwaysEvaluated());
            m.put("engine_cpu_eps", Math.round(r.engineCpuEps()));
            m.put("engine_with_document_cpu_eps", Math.round(r.withDocumentCpuEps()));
            m.put("first_pass_eps", Math.round(r.firstPassEps()));
            m.put("first_pass_cpu_eps", Math.round(r.firstPassCpuEps()));
            m.put("oracle_cpu_eps", Math.round(r.oracleCpuEps()));
            out.println(SigmaLint.write(m));
        } else {
            out.printf("rules loaded: %d (%d evaluated on every event)%n", r.rulesLoaded(), r.alwaysEvaluated());
            out.printf("JIT warm-up: %d passes over %d events sampled across all%n", WARM_PASSES, r.warmupEvents());
            out.printf("compiled: %d events (%d from Linux audit logs); JIT warm (%d events, median of the last %d of %d rounds): %.0f events/s%n",
                    r.events(), r.linuxEvents(), r.steadyEvents(), STEADY_ROUNDS - STEADY_ROUNDS / 2, STEADY_ROUNDS, r.engineEps());
            out.printf("oracle:   %d events, %.0f events/s%n", r.oracleEvents(), r.oracleEps());
            out.printf("speedup:  %.1fx; matches %d; oracle disagreements %d%n", r.speedup(), r.matches(), r.mismatches());
            out.printf("per CPU second of the thread (JIT warm): compiled %.0f events/s (%.0f with building the documents), oracle %.0f events/s%n",
                    r.engineCpuEps(), r.withDocumentCpuEps(), r.oracleCpuEps());
            out.printf("first pass (JIT still compiling): %.0f events/s, %.0f per CPU second%n", r.firstPassEps(), r.firstPassCpuEps());
        }
        return 0;
    }

    public static Result measure(Path datasets, boolean quick) throws IOException {
        Path sigma = datasets.resolve("sigma");
        Path logs = datasets.resolve("security-datasets");
        if (!Files.isDirectory(sigma) || !Files.isDirectory(logs)) throw new IOException("datasets not found under " + datasets);
        RuleSet rules = SigmaLoader.load(RULE_FOLDERS.stream().map(sigma::resolve).toList(), LoadOptions.broadening()).rules();
        CompiledMatcher compiled = new CompiledMatcher(rules, FieldMapping.raw());
        Matcher oracle = Matcher.oracle(rules, FieldMapping.raw());
        long maxEvents = quick ? 40_000 : Long.MAX_VALUE;
        // The oracle takes ~10 ms per event: in quick mode a sample of 250 keeps the run within a minute.
        int oracleEvery = quick ? 160 : 100;
        // events, engineNanos, oracleEvents, oracleNanos, matches, mismatches, engineCpu, oracleCpu, documentCpu
        long[] totals = new long[9];
        List<Map<String, Object>> batch = new ArrayList<>(BATCH);
        List<Map<String, Object>> first = new ArrayList<>();
        List<Path> archives = new ArrayList<>(auditLogs(datasets.resolve("linux-audit")));
        int linuxFiles = archives.size();
        try (Stream<Path> walk = Files.walk(logs)) {
            archives.addAll(walk.filter(p -> p.toString().endsWith(".zip")).sorted().toList());
        }
        // As in a server that has run a while: let the JIT compile both evaluators, on events from every source.
        List<Map<String, Object>> sample = warmUpSample(archives, maxEvents);
        for (int pass = 0; pass < WARM_PASSES; pass++) for (Map<String, Object> e : sample) compiled.match(new MapDocument(e));
        for (int i = 0; i < sample.size(); i += Math.max(1, sample.size() / (quick ? 8 : 32))) oracle.match(new MapDocument(sample.get(i)));
        long linuxEvents = 0;
        for (int a = 0; a < archives.size(); a++) {
            Path zip = archives.get(a);
            if (a == linuxFiles) linuxEvents = totals[0] + batch.size();
            boolean more = LogFiles.read(zip, (source, item) -> {
                if (item.object() == null) return true;
                batch.add(item.object());
                if (batch.size() == BATCH) {
                    if (first.size() < STEADY_EVENTS) first.addAll(batch.subList(0, Math.min(batch.size(), STEADY_EVENTS - first.size())));
                    timeBatch(batch, compiled, oracle, oracleEvery, totals);
                    batch.clear();
                }
                return totals[0] + batch.size() < maxEvents;
            });
            if (!more) break;
        }
        if (!batch.isEmpty()) timeBatch(batch, compiled, oracle, oracleEvery, totals);
        if (first.size() < STEADY_EVENTS) first.addAll(batch.subList(0, Math.min(batch.size(), STEADY_EVENTS - first.size())));
        double firstPassEps = totals[0] / (totals[1] / 1e9);
        double oracleEps = totals[2] / (totals[3] / 1e9);
        double[] steady = steadyState(first, compiled);
        return new Result(rules.rules().size(), totals[0], steady[0], totals[2], oracleEps, steady[0] / oracleEps,
                totals[4], totals[5], compiled.alwaysEvaluated(), steady[1], totals[2] / (totals[7] / 1e9),
                linuxFiles == archives.size() ? totals[0] : linuxEvents, steady[2], firstPassEps, totals[0] / (totals[6] / 1e9),
                sample.size(), first.size());
    }

    /** A seeded reservoir sample of {@value #BATCH} of the first {@code maxEvents} events of the archives. */
    private static List<Map<String, Object>> warmUpSample(List<Path> archives, long maxEvents) {
        List<Map<String, Object>> sample = new ArrayList<>(BATCH);
        java.util.Random random = new java.util.Random(7);
        long[] seen = {0};
        for (Path zip : archives) {
            boolean more = LogFiles.read(zip, (source, item) -> {
                if (item.object() == null) return true;
                long n = seen[0]++;
                if (n < BATCH) {
                    sample.add(item.object());
                } else {
                    long j = (long) (random.nextDouble() * (n + 1));
                    if (j < BATCH) sample.set((int) j, item.object());
                }
                return seen[0] < maxEvents;
            });
            if (!more) break;
        }
        return sample;
    }

    /**
     * Matches the events again and again until the JIT has compiled what it will: events per second of wall time and
     * per CPU second of matching alone, and per CPU second with building the documents, medians of the last half of
     * {@link #STEADY_ROUNDS} rounds.
     */
    private static double[] steadyState(List<Map<String, Object>> events, CompiledMatcher compiled) {
        double[] wall = new double[STEADY_ROUNDS];
        double[] match = new double[STEADY_ROUNDS];
        double[] both = new double[STEADY_ROUNDS];
        List<Document> docs = new ArrayList<>(events.size());
        for (int round = 0; round < STEADY_ROUNDS; round++) {
            docs.clear();
            long c0 = CPU.getCurrentThreadCpuTime();
            for (Map<String, Object> e : events) docs.add(new MapDocument(e));
            long c1 = CPU.getCurrentThreadCpuTime();
            long t1 = System.nanoTime();
            for (Document d : docs) compiled.match(d);
            long t2 = System.nanoTime();
            long c2 = CPU.getCurrentThreadCpuTime();
            wall[round] = events.size() / ((t2 - t1) / 1e9);
            match[round] = events.size() / ((c2 - c1) / 1e9);
            both[round] = events.size() / ((c2 - c0) / 1e9);
        }
        return new double[] {medianOfLastHalf(wall), medianOfLastHalf(match), medianOfLastHalf(both)};
    }

    private static double medianOfLastHalf(double[] values) {
        double[] tail = java.util.Arrays.copyOfRange(values, values.length / 2, values.length);
        java.util.Arrays.sort(tail);
        return tail[tail.length / 2];
    }

    /** The raw Linux audit logs ({@code *.log}) under {@code dir}, none if it is absent. */
    private static List<Path> auditLogs(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.toString().endsWith(".log") && Files.isRegularFile(p)).sorted().toList();
        }
    }

    private static void timeBatch(List<Map<String, Object>> events, Matcher compiled, Matcher oracle, int oracleEvery, long[] totals) {
        List<List<Match>> results = new ArrayList<>(events.size());
        List<Document> batch = new ArrayList<>(events.size());
        long d0 = CPU.getCurrentThreadCpuTime();
        for (Map<String, Object> e : events) batch.add(new MapDocument(e));
        totals[8] += CPU.getCurrentThreadCpuTime() - d0;
        long c0 = CPU.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (Document d : batch) results.add(compiled.match(d));
        totals[1] += System.nanoTime() - t0;
        totals[6] += CPU.getCurrentThreadCpuTime() - c0;
        totals[0] += batch.size();
        for (List<Match> r : results) totals[4] += r.size();
        for (int i = 0; i < batch.size(); i += oracleEvery) {
            long c1 = CPU.getCurrentThreadCpuTime();
            long t1 = System.nanoTime();
            List<Match> expected = oracle.match(batch.get(i));
            totals[3] += System.nanoTime() - t1;
            totals[7] += CPU.getCurrentThreadCpuTime() - c1;
            totals[2]++;
            if (!expected.equals(results.get(i))) totals[5]++;
        }
    }
}
