package dev.kiroku.detect.sigma;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;

/**
 * How much of the compiled matcher's time per event is bringing the event into the caches: the bench's events are
 * matched in blocks of {@value #BLOCK}, each block once as it comes (cold: its values were parsed long before, as in
 * {@code bench sigma}'s JIT-warm rounds over 40,000 events) and then {@value #REPEATS} times more at once (hot: the
 * block's values stay in the core's caches, as in a server that matches an event right after parsing it). CPU time of
 * the thread per event, each round. {@code java -cp ... dev.kiroku.detect.sigma.HotColdMain [N=40000] [ROUNDS=8]}.
 */
public final class HotColdMain {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final int BLOCK = 64;
    private static final int REPEATS = 4;

    private HotColdMain() {
    }

    public static void main(String[] args) throws Exception {
        int max = args.length > 0 ? Integer.parseInt(args[0]) : 40_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Path datasets = Datasets.root();
        CompiledMatcher compiled = BenchInputs.matcher(datasets);
        List<Document> docs = BenchInputs.documents(datasets, max);
        long sink = 0;
        for (int r = 0; r < rounds; r++) {
            long cold = 0;
            long hot = 0;
            for (int i = 0; i < docs.size(); i += BLOCK) {
                int to = Math.min(docs.size(), i + BLOCK);
                long c0 = CPU.getCurrentThreadCpuTime();
                for (int j = i; j < to; j++) sink += compiled.match(docs.get(j)).size();
                long c1 = CPU.getCurrentThreadCpuTime();
                for (int rep = 0; rep < REPEATS; rep++) for (int j = i; j < to; j++) sink += compiled.match(docs.get(j)).size();
                long c2 = CPU.getCurrentThreadCpuTime();
                cold += c1 - c0;
                hot += c2 - c1;
            }
            System.out.printf("round %d: cold %.0f ns, hot %.0f ns of thread CPU per event%n", r, (double) cold / docs.size(),
                    (double) hot / docs.size() / REPEATS);
        }
        System.out.println(sink == 42 ? "" : docs.size() + " events");
    }
}
