package dev.kiroku.content;

import dev.kiroku.detect.sigma.FieldMapping;
import dev.kiroku.detect.sigma.LoadOptions;
import dev.kiroku.detect.sigma.MapDocument;
import dev.kiroku.detect.sigma.Match;
import dev.kiroku.detect.sigma.Matcher;
import dev.kiroku.detect.sigma.SigmaLoader;
import dev.kiroku.detect.sigma.model.Correlation;
import dev.kiroku.detect.sigma.model.RuleMeta;
import dev.kiroku.detect.sigma.model.SigmaRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The rule pack on disk with its test events: rule files under {@code rules/}, and for each
 * {@code rules/X/name.yml} a test file {@code rule-tests/X/name.tests.yml} with {@code match} and {@code no_match}
 * lists. A list item is one event (a flat ECS map), or for correlation rules a map {@code sequence: [events]}.
 */
final class RulePack {
    /** One test: the events fed in order (a single event for detection rules). */
    record TestCase(List<Map<String, Object>> events) {
        @Override
        public String toString() {
            Map<String, Object> last = events.getLast();
            return events.size() + " event(s), last " + last.getOrDefault("event.action", "?") + " "
                    + last.getOrDefault("process.command_line", last.getOrDefault("file.path", last.getOrDefault("destination.ip", "")));
        }
    }

    /** A top-level rule file: its rule (or correlation) and its tests. */
    record Entry(Path ruleFile, Path testFile, RuleMeta meta, boolean correlation, List<TestCase> positives, List<TestCase> negatives) {
    }

    private final SigmaLoader.Result loaded;
    private final List<Path> ruleFiles;
    private final List<Entry> entries;
    private final Set<String> orphanTestFiles;
    private final FieldMapping mapping = mapping();
    private final Matcher matcher;

    private RulePack(SigmaLoader.Result loaded, List<Path> ruleFiles, List<Entry> entries, Set<String> orphans) {
        this.loaded = loaded;
        this.ruleFiles = ruleFiles;
        this.entries = entries;
        this.orphanTestFiles = orphans;
        this.matcher = Matcher.compiled(loaded.rules(), mapping);
    }

    SigmaLoader.Result loaded() {
        return loaded;
    }

    List<Path> ruleFiles() {
        return ruleFiles;
    }

    List<Entry> entries() {
        return entries;
    }

    Set<String> orphanTestFiles() {
        return orphanTestFiles;
    }

    static RulePack load(Path rules, Path tests) {
        List<Path> ruleFiles = list(rules, ".yml");
        SigmaLoader.Result loaded = SigmaLoader.load(List.of(rules), LoadOptions.defaults());
        List<Entry> entries = new ArrayList<>();
        Set<String> expectedTests = new TreeSet<>();
        for (Path f : ruleFiles) {
            String rel = rules.relativize(f).toString();
            Path testFile = tests.resolve(rel.substring(0, rel.length() - ".yml".length()) + ".tests.yml");
            expectedTests.add(testFile.toString());
            RuleMeta meta = null;
            boolean correlation = false;
            int line = Integer.MAX_VALUE;
            for (SigmaRule r : loaded.rules().rules()) {
                if (sameFile(r.meta(), f) && r.meta().line() < line) {
                    meta = r.meta();
                    line = meta.line();
                    correlation = false;
                }
            }
            for (Correlation c : loaded.rules().correlations()) {
                if (sameFile(c.meta(), f) && c.meta().line() < line) {
                    meta = c.meta();
                    line = meta.line();
                    correlation = true;
                }
            }
            if (meta == null) continue; // refused; reported by the load test
            Map<String, Object> doc = Files.exists(testFile) ? readYaml(testFile) : Map.of();
            entries.add(new Entry(f, testFile, meta, correlation, cases(doc.get("match"), testFile), cases(doc.get("no_match"), testFile)));
        }
        Set<String> orphans = new TreeSet<>();
        for (Path t : list(tests, ".tests.yml")) if (!expectedTests.contains(t.toString())) orphans.add(t.toString());
        return new RulePack(loaded, ruleFiles, entries, orphans);
    }

    /** Kiroku's mapping; {@code -Dkiroku.content.mapping=FILE} substitutes a draft mapping while developing rules. */
    static FieldMapping mapping() {
        String draft = System.getProperty("kiroku.content.mapping");
        if (draft == null || draft.isBlank()) return FieldMapping.kiroku();
        try {
            return FieldMapping.parse(Files.readString(Path.of(draft)), draft);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True if the rule (or correlation) of the entry raises an alert on the test case. */
    boolean fires(Entry e, TestCase tc) {
        if (!e.correlation()) {
            if (tc.events().size() != 1) throw new IllegalArgumentException(e.testFile() + ": a detection rule test is a single event");
            for (Match m : matcher.match(new MapDocument(tc.events().getFirst()))) {
                if (m.ruleId().equals(e.meta().key()) && m.standalone()) return true;
            }
            return false;
        }
        return CorrelationRunner.fires(loaded.rules(), mapping, e.meta().key(), tc.events());
    }

    /** Runs every event of a JSON-lines file through the standalone rules and correlations; returns the alerts. */
    List<String> replay(Path jsonLines) throws IOException {
        List<String> alerts = new ArrayList<>();
        List<Map<String, Object>> events = new ArrayList<>();
        Load load = new Load(LoadSettings.builder().build());
        for (String line : Files.readAllLines(jsonLines)) {
            if (line.isBlank()) continue;
            @SuppressWarnings("unchecked")
            Map<String, Object> ev = (Map<String, Object>) load.loadFromString(line);
            events.add(ev);
            for (Match m : matcher.match(new MapDocument(ev))) {
                if (m.standalone()) alerts.add(m.title() + " <- " + ev.getOrDefault("process.command_line", ev.get("process.executable"))
                        + " " + ev.getOrDefault("file.path", ""));
            }
        }
        alerts.addAll(CorrelationRunner.replay(loaded.rules(), mapping, events));
        return alerts;
    }

    private static boolean sameFile(RuleMeta m, Path f) {
        return m.file() != null && Path.of(m.file()).toAbsolutePath().normalize().equals(f.toAbsolutePath().normalize());
    }

    @SuppressWarnings("unchecked")
    private static List<TestCase> cases(Object list, Path file) {
        List<TestCase> out = new ArrayList<>();
        if (!(list instanceof List<?> items)) return out;
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> m)) throw new IllegalArgumentException(file + ": test items must be maps");
            if (m.containsKey("sequence")) {
                List<Map<String, Object>> events = new ArrayList<>();
                for (Object ev : (List<Object>) m.get("sequence")) events.add(new LinkedHashMap<>((Map<String, Object>) ev));
                out.add(new TestCase(events));
            } else {
                out.add(new TestCase(List.of(new LinkedHashMap<>((Map<String, Object>) m))));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readYaml(Path file) {
        try {
            Object doc = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromString(Files.readString(file));
            return doc instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> list(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(suffix))
                    .filter(p -> suffix.equals(".tests.yml") || !p.getFileName().toString().endsWith(".tests.yml"))
                    .sorted(Comparator.naturalOrder()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
