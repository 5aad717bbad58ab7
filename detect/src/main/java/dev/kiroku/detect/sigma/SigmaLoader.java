package dev.kiroku.detect.sigma;

import dev.kiroku.detect.sigma.LoadReport.FileReport;
import dev.kiroku.detect.sigma.LoadReport.Problem;
import dev.kiroku.detect.sigma.model.Correlation;
import dev.kiroku.detect.sigma.model.Expr;
import dev.kiroku.detect.sigma.model.Filter;
import dev.kiroku.detect.sigma.model.SigmaRule;
import dev.kiroku.detect.sigma.parse.LoadContext;
import dev.kiroku.detect.sigma.parse.Parsed;
import dev.kiroku.detect.sigma.parse.RuleParser;
import dev.kiroku.detect.sigma.parse.RuleProblem;
import dev.kiroku.detect.sigma.yaml.YNode;
import dev.kiroku.detect.sigma.yaml.YamlReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads Sigma rule files and directories into a {@link RuleSet} and a {@link LoadReport}. A bad document never
 * stops the others; every problem is reported with its file and line.
 */
public final class SigmaLoader {
    private static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

    /** The rules and the report on how each file went. */
    public record Result(RuleSet rules, LoadReport report) {
    }

    private final LoadOptions options;
    private final List<Unit> units = new ArrayList<>();

    /** One file's documents, filled while loading. */
    private static final class Unit {
        final String file;
        final List<Problem> problems = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        final List<Parsed> parsed = new ArrayList<>();
        int loaded;

        Unit(String file) {
            this.file = file;
        }
    }

    private SigmaLoader(LoadOptions options) {
        this.options = options;
    }

    /** Loads every {@code .yml}/{@code .yaml} file under the given files and directories. */
    public static Result load(List<Path> paths, LoadOptions options) {
        SigmaLoader loader = new SigmaLoader(options);
        for (Path p : paths) loader.addPath(p);
        return loader.finish();
    }

    /** Loads rules given as text, keyed by a name used in reports (for tests and API uploads). */
    public static Result loadTexts(Map<String, String> texts, LoadOptions options) {
        SigmaLoader loader = new SigmaLoader(options);
        for (Map.Entry<String, String> e : texts.entrySet()) loader.addText(e.getKey(), e.getValue());
        return loader.finish();
    }

    private void addPath(Path path) {
        if (Files.isDirectory(path)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(path)) {
                files = walk.filter(Files::isRegularFile)
                        .filter(f -> f.getFileName().toString().endsWith(".yml") || f.getFileName().toString().endsWith(".yaml"))
                        .sorted().toList();
            } catch (IOException e) {
                Unit u = new Unit(path.toString());
                u.problems.add(new Problem(u.file, 0, "cannot list directory: " + e.getMessage()));
                units.add(u);
                return;
            }
            for (Path f : files) addFile(f);
        } else {
            addFile(path);
        }
    }

    private void addFile(Path file) {
        String name = file.toString();
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                Unit u = new Unit(name);
                u.problems.add(new Problem(name, 0, "file larger than " + MAX_FILE_BYTES + " bytes"));
                units.add(u);
                return;
            }
            byte[] bytes = Files.readAllBytes(file);
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            addText(name, text);
        } catch (CharacterCodingException e) {
            Unit u = new Unit(name);
            u.problems.add(new Problem(name, 0, "not UTF-8 text"));
            units.add(u);
        } catch (IOException e) {
            Unit u = new Unit(name);
            u.problems.add(new Problem(name, 0, "cannot read: " + e.getMessage()));
            units.add(u);
        }
    }

    private void addText(String name, String text) {
        Unit u = new Unit(name);
        units.add(u);
        List<YNode> docs;
        try {
            docs = YamlReader.readAll(text.startsWith("\uFEFF") ? text.substring(1) : text, name);
        } catch (YamlReader.YamlException e) {
            u.problems.add(new Problem(name, e.line(), e.getMessage()));
            return;
        }
        if (docs.isEmpty()) {
            u.problems.add(new Problem(name, 0, "no YAML document"));
            return;
        }
        RuleParser parser = new RuleParser(new LoadContext(options.placeholders(), options.broadenPlaceholders()), name);
        YNode.YMap global = null;
        YNode.YMap previous = null;
        for (YNode doc : docs) {
            YNode effective = doc;
            if (doc instanceof YNode.YMap map && map.get("action") instanceof YNode.YScalar action) {
                switch (action.text()) {
                    case "global" -> {
                        global = without(map, "action");
                        continue;
                    }
                    case "reset" -> {
                        global = null;
                        continue;
                    }
                    case "repeat" -> {
                        if (previous == null) {
                            u.problems.add(new Problem(name, action.line(), "'action: repeat' without a previous document"));
                            continue;
                        }
                        effective = YMaps.merge(previous, without(map, "action"));
                    }
                    default -> {
                        u.problems.add(new Problem(name, action.line(), "unknown action '" + action.text() + "'"));
                        continue;
                    }
                }
            } else if (global != null && doc instanceof YNode.YMap map) {
                effective = YMaps.merge(global, map);
            }
            if (effective instanceof YNode.YMap em) previous = em;
            Parsed p = parser.parse(effective);
            u.parsed.add(p);
            if (p instanceof Parsed.Refused r) {
                for (RuleProblem rp : r.problems()) u.problems.add(new Problem(name, rp.line(), rp.getMessage()));
            }
        }
    }

    private static YNode.YMap without(YNode.YMap map, String key) {
        return new YNode.YMap(map.entries().stream().filter(e -> !e.key().text().equals(key)).toList(), map.line());
    }

    private Result finish() {
        Map<String, SigmaRule> rulesByRef = new HashMap<>();
        Map<String, Unit> ownerOfRule = new HashMap<>();
        Map<String, SigmaRule> rules = new LinkedHashMap<>();
        for (Unit u : units) {
            for (Parsed p : u.parsed) {
                if (!(p instanceof Parsed.Rule(SigmaRule rule))) continue;
                String key = rule.meta().key();
                if (rules.containsKey(key)) {
                    u.problems.add(new Problem(u.file, rule.meta().line(), "duplicate rule id " + key + " (first in " + ownerOfRule.get(key).file + ")"));
                    continue;
                }
                rules.put(key, rule);
                ownerOfRule.put(key, u);
                rulesByRef.put(key, rule);
                if (rule.meta().name() != null) rulesByRef.putIfAbsent(rule.meta().name(), rule);
                for (String w : rule.warnings()) u.warnings.add(rule.meta().key() + ": " + w);
                u.loaded++;
            }
        }
        List<Filter> filters = applyFilters(rules, rulesByRef);
        List<Correlation> correlations = resolveCorrelations(rulesByRef);
        List<FileReport> reports = new ArrayList<>();
        for (Unit u : units) {
            LoadReport.Status status = u.problems.isEmpty() && u.loaded > 0 ? LoadReport.Status.LOADED : LoadReport.Status.REFUSED;
            if (u.problems.isEmpty() && u.loaded == 0) u.problems.add(new Problem(u.file, 0, "no rule in file"));
            reports.add(new FileReport(u.file, status, u.loaded, u.problems, u.warnings));
        }
        return new Result(new RuleSet(List.copyOf(rules.values()), correlations, filters), new LoadReport(reports));
    }

    private List<Filter> applyFilters(Map<String, SigmaRule> rules, Map<String, SigmaRule> rulesByRef) {
        List<Filter> applied = new ArrayList<>();
        for (Unit u : units) {
            for (Parsed p : u.parsed) {
                if (!(p instanceof Parsed.GlobalFilter(Filter filter))) continue;
                u.loaded++;
                applied.add(filter);
                for (String ref : filter.rules()) {
                    SigmaRule target = rulesByRef.get(ref);
                    if (target == null) {
                        u.warnings.add("filter " + filter.meta().key() + ": rule " + ref + " is not loaded");
                        continue;
                    }
                    if (!filter.meta().logsource().coveredBy(target.meta().logsource())
                            && !target.meta().logsource().coveredBy(filter.meta().logsource())) {
                        u.warnings.add("filter " + filter.meta().key() + ": logsource " + filter.meta().logsource()
                                + " does not fit rule " + ref + " (" + target.meta().logsource() + "); not applied");
                        continue;
                    }
                    SigmaRule current = rules.get(target.meta().key());
                    SigmaRule filtered = current.withDetection(new Expr.And(List.of(current.detection(), new Expr.Not(filter.expr()))));
                    rules.put(target.meta().key(), filtered);
                    rulesByRef.put(ref, filtered);
                }
            }
        }
        return applied;
    }

    private List<Correlation> resolveCorrelations(Map<String, SigmaRule> rulesByRef) {
        Map<String, Correlation> byRef = new HashMap<>();
        for (Unit u : units) {
            for (Parsed p : u.parsed) {
                if (p instanceof Parsed.Meta(Correlation c)) {
                    byRef.put(c.meta().key(), c);
                    if (c.meta().name() != null) byRef.putIfAbsent(c.meta().name(), c);
                }
            }
        }
        List<Correlation> out = new ArrayList<>();
        for (Unit u : units) {
            for (Parsed p : u.parsed) {
                if (!(p instanceof Parsed.Meta(Correlation c))) continue;
                List<String> keys = new ArrayList<>();
                boolean ok = true;
                for (String ref : c.rules()) {
                    SigmaRule r = rulesByRef.get(ref);
                    Correlation other = byRef.get(ref);
                    if (r != null) keys.add(r.meta().key());
                    else if (other != null && other != c) keys.add(other.meta().key());
                    else {
                        u.problems.add(new Problem(u.file, c.meta().line(), "correlation " + c.meta().key() + " refers to rule '" + ref + "', which is not loaded"));
                        ok = false;
                    }
                }
                Map<String, Map<String, String>> aliases = new LinkedHashMap<>();
                for (Map.Entry<String, Map<String, String>> a : c.aliases().entrySet()) {
                    Map<String, String> perKey = new LinkedHashMap<>();
                    for (Map.Entry<String, String> e : a.getValue().entrySet()) {
                        SigmaRule r = rulesByRef.get(e.getKey());
                        Correlation other = byRef.get(e.getKey());
                        String key = r != null ? r.meta().key() : other != null ? other.meta().key() : e.getKey();
                        perKey.put(key, e.getValue());
                    }
                    aliases.put(a.getKey(), perKey);
                }
                if (!ok) continue;
                u.loaded++;
                out.add(new Correlation(c.meta(), c.type(), keys, c.groupBy(), c.timespan(), c.conditions(), c.field(), aliases, c.generate()));
            }
        }
        return out;
    }
}
