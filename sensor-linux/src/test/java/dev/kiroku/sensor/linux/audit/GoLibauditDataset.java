package dev.kiroku.sensor.linux.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The elastic/go-libaudit test data under {@code shared/datasets/linux-audit/elastic+go-libaudit}. */
final class GoLibauditDataset {

    private GoLibauditDataset() {
    }

    static Path root() {
        String datasets = System.getProperty("kiroku.datasets", "/work/shared/datasets");
        Path root = Path.of(datasets, "linux-audit", "elastic+go-libaudit");
        if (!Files.isDirectory(root)) {
            root = Path.of("/work/shared/datasets/linux-audit/elastic+go-libaudit");
        }
        assumeTrue(Files.isDirectory(root), "go-libaudit dataset not found at " + root);
        return root;
    }

    /**
     * The {@code tests:} map of an aucoalesce YAML file: test name to its record lines. The files use
     * block scalars ({@code |} or {@code >}) indented by four spaces; every record starts with {@code type=}.
     */
    static Map<String, List<String>> coalesceTests(Path yaml) throws IOException {
        Map<String, List<String>> tests = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : Files.readAllLines(yaml)) {
            if (line.startsWith("  ") && !line.startsWith("   ") && line.contains(":")) {
                String name = line.substring(2, line.lastIndexOf(':')).trim();
                if (name.startsWith("\"") && name.endsWith("\"")) {
                    name = name.substring(1, name.length() - 1);
                }
                current = new ArrayList<>();
                tests.put(name, current);
            } else if (current != null && line.startsWith("    ")) {
                String text = line.strip();
                if (text.startsWith("type=")) {
                    current.add(text);
                } else if (!text.isEmpty() && !current.isEmpty()) {
                    current.set(current.size() - 1, current.getLast() + " " + text);
                }
            }
        }
        return tests;
    }
}
