package dev.kiroku.bench.investigate;

import dev.kiroku.investigate.history.EventHistory;
import dev.kiroku.investigate.index.ProcessRecordTable;
import dev.kiroku.investigate.history.QueryText;
import dev.kiroku.investigate.history.Window;
import dev.kiroku.investigate.inventory.FileInventory;
import dev.kiroku.investigate.inventory.InventoryRecord;
import dev.kiroku.investigate.tracking.Ancestry;
import dev.kiroku.investigate.tracking.FileOrigin;
import dev.kiroku.investigate.tracking.Impact;
import dev.kiroku.investigate.tracking.RootCause;
import dev.kiroku.investigate.tracking.TrackingLimits;
import dev.kiroku.investigate.workflow.ArtifactScope;
import dev.kiroku.investigate.workflow.Investigator;
import dev.kiroku.investigate.workflow.Presence;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code kiroku bench investigate}: a fleet's synthesised history with planted attack chains in a real Lucene store
 * (cached in the work directory and reused by the next run), then ancestry, root-cause and "who else has this hash"
 * latencies as the server answers them, from the store (each query on a fresh history, so no per-query cache helps),
 * and whether every planted chain is found whole. Baseline in the same run: one exact entity-id lookup in the store,
 * the question every graph step used to be made of. With {@code -Dkiroku.bench.processIndex=true} the same questions
 * are also asked with the opt-in process record index (keys prefixed {@code indexed_}).
 */
public final class InvestigateBench {
    private InvestigateBench() {
    }

    /** {@code java -cp ... dev.kiroku.bench.investigate.InvestigateBench [--quick] [--json] [--dir D]}. */
    public static void main(String[] args) throws java.io.IOException {
        List<String> a = Arrays.asList(args);
        int dir = a.indexOf("--dir");
        Path work = dir >= 0 ? Files.createDirectories(Path.of(args[dir + 1])) : Files.createTempDirectory("kiroku-bench-");
        System.exit(run(a.contains("--quick"), a.contains("--json"), System.out, work));
    }

    public static int run(boolean quick, boolean json, PrintStream out, Path work) {
        long events = Long.getLong("kiroku.bench.events", quick ? 200_000 : 10_000_000);
        int endpoints = Integer.getInteger("kiroku.bench.endpoints", quick ? 50 : 1_000);
        int chains = quick ? 10 : 100;
        int queries = Integer.getInteger("kiroku.bench.queries", quick ? 100 : 500);
        CachedFleetStore cache = new CachedFleetStore(work.resolve("investigate-fleet-" + events + "-" + endpoints));
        InstantSource clock = InstantSource.system();
        Map<String, Object> r = new LinkedHashMap<>();
        try (CachedFleetStore.Opened opened = cache.open(clock, endpoints, events, chains)) {
            LuceneEventStore store = opened.store();
            SimulatedFleet fleet = opened.fleet();
            Instant start = opened.start();
            double ingestSeconds = opened.ingestSeconds();
            log(out, json, String.format(Locale.ROOT, "%s %,d events from %d endpoints (ingest took %.1f s) in %s; process index %s",
                    opened.reused() ? "reused" : "stored", fleet.events(), endpoints, ingestSeconds, cache.directory(),
                    !CachedFleetStore.WITH_PROCESS_INDEX ? "not used (as by the server)"
                            : String.format(Locale.ROOT, "%s in %.1f s", opened.indexRebuilt() ? "built from the store" : "fed with the batches",
                            opened.indexSeconds())));

            ProcessRecordTable processes = opened.processes();
            FileInventory inventory = new FileInventory(opened.database(), clock);
            List<InventoryRecord> scans = new ArrayList<>();
            for (SimulatedFleet.DormantFile f : fleet.dormantFiles()) {
                scans.add(new InventoryRecord(f.agentId(), f.hostName(), f.path(), f.sha256(), 81_920, f.seen(), false, "scan"));
            }
            for (int i = 0; i < endpoints; i++) {
                for (String bin : List.of("/usr/bin/ls", "/usr/bin/cat", "/usr/bin/curl", "/usr/bin/bash", "/usr/bin/python3")) {
                    scans.add(new InventoryRecord(String.format("agent-%04d", i), String.format("host-%04d", i), bin,
                            SimulatedFleet.shaOfHex(bin), 100_000, start, false, "scan"));
                }
            }
            inventory.record(scans);
            Supplier<Investigator> fresh = () -> new Investigator(new EventHistory(store, clock, processes), inventory,
                    TrackingLimits.defaults(), 10);
            Supplier<Investigator> storeOnly = () -> new Investigator(new EventHistory(store, clock), inventory, TrackingLimits.defaults(), 10);

            List<String> samples = fleet.sampleProcesses();
            List<SimulatedFleet.Planted> planted = fleet.planted();
            Random random = new Random(7);
            double[] baseline = time(queries, i -> new EventHistory(store, clock)
                    .count(QueryText.exact("process.entity_id", samples.get(random.nextInt(samples.size()))), Window.ALL));
            Latencies served = Latencies.measure(storeOnly, queries, samples, planted);
            Latencies indexed = CachedFleetStore.WITH_PROCESS_INDEX ? Latencies.measure(fresh, queries, samples, planted) : null;

            int found = 0;
            int foundIndexed = 0;
            List<String> misses = new ArrayList<>();
            for (SimulatedFleet.Planted p : planted) {
                String miss = check(storeOnly.get(), p);
                if (miss == null) found++;
                else misses.add(p.agentId() + ": " + miss);
                if (indexed != null && check(fresh.get(), p) == null) foundIndexed++;
            }
            double lookup = percentile(baseline, 0.95);
            r.put("events", fleet.events());
            r.put("endpoints", endpoints);
            r.put("ingest_seconds", round(ingestSeconds));
            r.put("store_reused", opened.reused());
            if (CachedFleetStore.WITH_PROCESS_INDEX) {
                r.put("process_index_seconds", round(opened.indexSeconds()));
                r.put("process_index_built_from_store", opened.indexRebuilt());
            }
            r.put("queries_each", queries);
            r.put("baseline_entity_lookup_p95_ms", round(lookup));
            served.report(r, "", lookup);
            if (indexed != null) indexed.report(r, "indexed_", lookup);
            r.put("planted_chains", planted.size());
            r.put("chains_found", found);
            if (indexed != null) r.put("chains_found_indexed", foundIndexed);
            r.put("misses", misses.isEmpty() ? "" : String.join("; ", misses.subList(0, Math.min(3, misses.size()))).replace('"', '\''));
        }
        print(out, json, r);
        return (int) r.get("chains_found") == (int) r.get("planted_chains") ? 0 : 1;
    }

    /** Ancestry, root-cause and scope latencies of one way of investigating, sorted. */
    private record Latencies(Timings ancestry, Timings rootCause, Timings scope) {
        static Latencies measure(Supplier<Investigator> fresh, int queries, List<String> samples, List<SimulatedFleet.Planted> planted) {
            Random random = new Random(11);
            Timings ancestry = timings(queries, i -> {
                Ancestry a = fresh.get().rootCause().ancestors(samples.get(random.nextInt(samples.size())), TrackingLimits.defaults());
                if (a.processes().size() < 3) throw new IllegalStateException("a sampled process has too short an ancestry: " + a);
            });
            Timings rootCause = timings(queries, i -> fresh.get().rootCause()
                    .trace(planted.get(i % planted.size()).payloadEntityId(), TrackingLimits.defaults()));
            Timings scope = timings(queries, i -> fresh.get().scope().byHash(planted.get(i % planted.size()).payloadSha256(), null, Window.ALL));
            return new Latencies(ancestry, rootCause, scope);
        }

        void report(Map<String, Object> r, String prefix, double lookupP95) {
            put(r, prefix + "ancestry", ancestry, lookupP95);
            put(r, prefix + "rootcause", rootCause, lookupP95);
            put(r, prefix + "scope", scope, lookupP95);
        }

        private static void put(Map<String, Object> r, String name, Timings t, double lookupP95) {
            r.put(name + "_p50_ms", round(percentile(t.wall(), 0.50)));
            r.put(name + "_p95_ms", round(percentile(t.wall(), 0.95)));
            r.put(name + "_p95_over_lookup", round(percentile(t.wall(), 0.95) / lookupP95));
            r.put(name + "_cpu_p50_ms", round(percentile(t.cpu(), 0.50)));
            r.put(name + "_cpu_p95_ms", round(percentile(t.cpu(), 0.95)));
        }
    }

    /** Null when the investigation finds the planted chain whole; otherwise what is missing. */
    private static String check(Investigator inv, SimulatedFleet.Planted p) {
        RootCause rc = inv.rootCause().trace(p.payloadEntityId(), TrackingLimits.defaults());
        List<String> chain = rc.chain().stream().map(l -> l.process().entityId()).toList();
        if (!chain.equals(List.of(p.payloadEntityId(), p.shellEntityId(), p.sessionEntityId()))) return "ancestry " + chain;
        FileOrigin origin = rc.chain().getFirst().origins().stream().filter(o -> o.path().equals(p.payloadPath())).findFirst().orElse(null);
        if (origin == null || !origin.written()) return "no writer of " + p.payloadPath();
        if (!origin.writer().process().entityId().equals(p.curlEntityId())) return "wrong writer " + origin.writer().process().describe();
        if (origin.writer().download().stream().noneMatch(c -> p.downloadAddress().equals(c.remoteAddress()))) return "no download origin";
        ArtifactScope scope = inv.scope().byHash(p.payloadSha256(), p.payloadPath(), Window.ALL);
        Map<String, Presence.State> states = scope.endpoints().stream().collect(Collectors.toMap(Presence::agentId, Presence::state));
        if (states.get(p.agentId()) != Presence.State.CONNECTED_OUT) return "scope: " + states;
        for (String d : p.dormantAgents()) if (states.get(d) != Presence.State.DORMANT) return "dormant copy on " + d + " not found: " + states;
        Impact impact = inv.impact().trace(p.payloadEntityId(), TrackingLimits.defaults());
        if (impact.persistence().stream().noneMatch(f -> f.path().equals(p.cronPath()))) return "no cron persistence";
        Set<String> remotes = impact.connections().stream().map(c -> c.remoteAddress()).collect(Collectors.toSet());
        if (!remotes.contains(p.c2Address()) || impact.processes().size() != 2) return "impact " + remotes + " " + impact.processes().size();
        return null;
    }

    private interface Query {
        void run(int i);
    }

    /** Wall milliseconds per query, sorted. */
    private static double[] time(int n, Query q) {
        return timings(n, q).wall();
    }

    /**
     * Wall and CPU milliseconds per query (this thread's CPU: the store's searches and the embedded database's lookups
     * run on it), each sorted. On a loaded machine the wall time is mostly waiting for a core; the CPU time is not.
     */
    private record Timings(double[] wall, double[] cpu) {
    }

    private static Timings timings(int n, Query q) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < Math.min(20, n); i++) q.run(i); // warm-up
        double[] ms = new double[n];
        double[] cpu = new double[n];
        for (int i = 0; i < n; i++) {
            long c = threads.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            q.run(i);
            ms[i] = (System.nanoTime() - t) / 1e6;
            cpu[i] = (threads.getCurrentThreadCpuTime() - c) / 1e6;
        }
        Arrays.sort(ms);
        Arrays.sort(cpu);
        return new Timings(ms, cpu);
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double round(double v) {
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
            r.forEach((k, v) -> out.printf(Locale.ROOT, "%-32s %s%n", k, v));
        }
    }
}
