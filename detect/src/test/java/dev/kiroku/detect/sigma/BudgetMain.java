package dev.kiroku.detect.sigma;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The compiled matcher's cost budget per event, steady state (JIT warm): (a) building the engine's view of a parsed
 * event ({@link MapDocument} over the JSON map), (b) the literal prefilter alone, (c) prefilter plus evaluation of the
 * candidate rules, (d) the whole {@link CompiledMatcher#match}; with the candidates per event and how many of them
 * fail. CPU time of the thread, median of the rounds after the first half.
 * {@code java -cp ... dev.kiroku.detect.sigma.BudgetMain [N=20000] [ROUNDS=10]}.
 */
public final class BudgetMain {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private BudgetMain() {
    }

    public static void main(String[] args) throws Exception {
        int max = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path datasets = Datasets.root();
        CompiledMatcher compiled = BenchInputs.matcher(datasets);
        List<Map<String, Object>> maps = BenchInputs.events(datasets, max);
        long chars = 0;
        List<Document> docs = new ArrayList<>();
        for (Map<String, Object> m : maps) {
            Document d = new MapDocument(m);
            docs.add(d);
            for (Object v : d.values()) if (v instanceof String s) chars += s.length();
        }
        System.out.printf("%d events, %.0f chars of string values per event%n", docs.size(), (double) chars / docs.size());
        double[][] ns = new double[4][rounds];
        long candidates = 0;
        long matches = 0;
        long sink = 0;
        for (int r = 0; r < rounds; r++) {
            long c0 = CPU.getCurrentThreadCpuTime();
            for (Map<String, Object> m : maps) sink += new MapDocument(m).hashCode() & 1;
            long c1 = CPU.getCurrentThreadCpuTime();
            long cand = 0;
            for (Document d : docs) cand += compiled.groupOf(d).candidates(d);
            long c2 = CPU.getCurrentThreadCpuTime();
            long[] hits = {0};
            for (Document d : docs) compiled.groupOf(d).match(d, i -> hits[0]++);
            long c3 = CPU.getCurrentThreadCpuTime();
            for (Document d : docs) sink += compiled.match(d).size();
            long c4 = CPU.getCurrentThreadCpuTime();
            ns[0][r] = (c1 - c0) / (double) docs.size();
            ns[1][r] = (c2 - c1) / (double) docs.size();
            ns[2][r] = (c3 - c2) / (double) docs.size();
            ns[3][r] = (c4 - c3) / (double) docs.size();
            candidates = cand;
            matches = hits[0];
            System.out.printf("round %d: document %.0f ns, prefilter %.0f ns, prefilter+evaluation %.0f ns, match %.0f ns per event%n",
                    r, ns[0][r], ns[1][r], ns[2][r], ns[3][r]);
        }
        double doc = median(ns[0], rounds);
        double pre = median(ns[1], rounds);
        double preEval = median(ns[2], rounds);
        double match = median(ns[3], rounds);
        System.out.printf("median of the last %d rounds, ns of thread CPU per event:%n", rounds - rounds / 2);
        System.out.printf("  (a) MapDocument over the parsed map: %.0f%n", doc);
        System.out.printf("  (b) prefilter alone:                 %.0f%n", pre);
        System.out.printf("  (c) candidate evaluation:            %.0f (prefilter+evaluation %.0f)%n", preEval - pre, preEval);
        System.out.printf("  (d) everything else in match():      %.0f (match %.0f)%n", match - preEval, match);
        System.out.printf("  match alone: %.0f events per CPU s; with the document: %.0f%n", 1e9 / match, 1e9 / (match + doc));
        System.out.printf("candidates per event %.2f, of which fail %.2f (matches per event %.2f) %s%n",
                (double) candidates / docs.size(), (double) (candidates - matches) / docs.size(), (double) matches / docs.size(), sink == 42 ? "" : "");
    }

    private static double median(double[] values, int rounds) {
        double[] tail = java.util.Arrays.copyOfRange(values, rounds / 2, rounds);
        java.util.Arrays.sort(tail);
        return tail[tail.length / 2];
    }
}
