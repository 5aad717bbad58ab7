package dev.kiroku.detect.sigma;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;

/**
 * Steady-state profile of the compiled matcher (for JFR and A/B runs of two builds): the first N events of the
 * Linux audit logs and security-datasets archives in memory, matched R times, events per CPU second of the thread
 * printed per round. {@code java -cp ... dev.kiroku.detect.sigma.SteadyStateMain [N=20000] [R=6]}.
 */
public final class SteadyStateMain {
    private SteadyStateMain() {
    }

    public static void main(String[] args) throws Exception {
        int max = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        Path datasets = Datasets.root();
        CompiledMatcher compiled = BenchInputs.matcher(datasets);
        List<Document> docs = BenchInputs.documents(datasets, max);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long matches = 0;
        for (int r = 0; r < rounds; r++) {
            long c0 = cpu.getCurrentThreadCpuTime();
            for (Document d : docs) matches += compiled.match(d).size();
            double seconds = (cpu.getCurrentThreadCpuTime() - c0) / 1e9;
            System.out.printf("round %d: %d events, %.0f events per CPU second (matches so far %d)%n", r, docs.size(), docs.size() / seconds, matches);
        }
    }
}
