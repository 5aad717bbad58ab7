package dev.kiroku.detect.sigma;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the matcher's measuring programs ({@link BudgetMain}, {@link SteadyStateMain},
 * {@link HotColdMain}, {@link PairedBenchMain}) run on:
 * every SigmaHQ rule that loads, compiled in raw mode as {@code bench sigma} compiles them, and the first events of
 * the Linux audit logs and security-datasets archives, in the bench's order.
 */
final class BenchInputs {
    private BenchInputs() {
    }

    /** The compiled matcher over every rule of {@link SigmaBench#RULE_FOLDERS} that loads. */
    static CompiledMatcher matcher(Path datasets) throws IOException {
        Path sigma = datasets.resolve("sigma");
        RuleSet rules = SigmaLoader.load(SigmaBench.RULE_FOLDERS.stream().map(sigma::resolve).toList(), LoadOptions.broadening()).rules();
        return new CompiledMatcher(rules, FieldMapping.raw());
    }

    /** The first {@code max} events of the Linux audit logs and security-datasets archives, as parsed. */
    static List<Map<String, Object>> events(Path datasets, int max) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("linux-audit", "security-datasets")) {
            if (!Files.isDirectory(datasets.resolve(dir))) continue;
            try (Stream<Path> walk = Files.walk(datasets.resolve(dir))) {
                walk.filter(p -> p.toString().endsWith(".log") || p.toString().endsWith(".zip")).sorted().forEach(files::add);
            }
        }
        List<Map<String, Object>> maps = new ArrayList<>();
        for (Path f : files) {
            boolean more = LogFiles.read(f, (source, item) -> {
                if (item.object() != null) maps.add(item.object());
                return maps.size() < max;
            });
            if (!more) break;
        }
        return maps;
    }

    /** {@link #events} as the matcher's documents, built once. */
    static List<Document> documents(Path datasets, int max) throws IOException {
        List<Document> docs = new ArrayList<>();
        for (Map<String, Object> m : events(datasets, max)) docs.add(new MapDocument(m));
        return docs;
    }
}
