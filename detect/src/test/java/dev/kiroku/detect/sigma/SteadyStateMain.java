package dev.kiroku.detect.sigma;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

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
        Path sigma = datasets.resolve("sigma");
        RuleSet rules = SigmaLoader.load(SigmaBench.RULE_FOLDERS.stream().map(sigma::resolve).toList(), LoadOptions.broadening()).rules();
        CompiledMatcher compiled = new CompiledMatcher(rules, FieldMapping.raw());
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("linux-audit", "security-datasets")) {
            if (!Files.isDirectory(datasets.resolve(dir))) continue;
            try (Stream<Path> walk = Files.walk(datasets.resolve(dir))) {
                walk.filter(p -> p.toString().endsWith(".log") || p.toString().endsWith(".zip")).sorted().forEach(files::add);
            }
        }
        List<Document> docs = new ArrayList<>();
        for (Path f : files) {
            boolean more = LogFiles.read(f, (source, item) -> {
                if (item.object() != null) docs.add(new MapDocument(item.object()));
                return docs.size() < max;
            });
            if (!more) break;
        }
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
