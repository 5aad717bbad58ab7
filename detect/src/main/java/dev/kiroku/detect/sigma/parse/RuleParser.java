package dev.kiroku.detect.sigma.parse;

import dev.kiroku.detect.sigma.model.Correlation;
import dev.kiroku.detect.sigma.model.Expr;
import dev.kiroku.detect.sigma.model.Filter;
import dev.kiroku.detect.sigma.model.LogSource;
import dev.kiroku.detect.sigma.model.RuleMeta;
import dev.kiroku.detect.sigma.model.SigmaRule;
import dev.kiroku.detect.sigma.yaml.YNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parses one YAML document into a rule, correlation or filter, collecting every problem with its line. */
public final class RuleParser {
    private static final Set<String> TACTICS = Set.of("reconnaissance", "resource-development", "initial-access",
            "execution", "persistence", "privilege-escalation", "defense-evasion", "credential-access", "discovery",
            "lateral-movement", "collection", "command-and-control", "exfiltration", "impact");

    private final LoadContext context;
    private final String file;

    public RuleParser(LoadContext context, String file) {
        this.context = context;
        this.file = file;
    }

    public Parsed parse(YNode doc) {
        List<RuleProblem> problems = new ArrayList<>();
        if (!(doc instanceof YNode.YMap map)) {
            return new Parsed.Refused(null, doc.line(), List.of(new RuleProblem("a rule must be a YAML map, got " + YNode.describe(doc), doc.line())));
        }
        String title = string(map, "title", problems);
        if (map.get("correlation") != null) return correlation(map, title, problems);
        if (map.get("filter") != null && map.get("detection") == null) return filter(map, title, problems);
        return rule(map, title, problems);
    }

    private Parsed rule(YNode.YMap map, String title, List<RuleProblem> problems) {
        if (title == null) problems.add(new RuleProblem("missing title", map.line()));
        RuleMeta meta = meta(map, title, problems);
        if (map.get("logsource") == null) problems.add(new RuleProblem("missing logsource", map.line()));
        List<String> warnings = new ArrayList<>();
        Expr detection = null;
        YNode det = map.get("detection");
        if (det == null) {
            problems.add(new RuleProblem("missing detection", map.line()));
        } else if (!(det instanceof YNode.YMap detMap)) {
            problems.add(new RuleProblem("detection must be a map", det.line()));
        } else {
            detection = detection(detMap, "condition", Set.of("condition", "timeframe"), warnings, problems);
            YNode timeframe = detMap.get("timeframe");
            if (timeframe != null) problems.add(new RuleProblem("'timeframe' in detection is obsolete Sigma; use a correlation rule", timeframe.line()));
        }
        if (!problems.isEmpty()) return new Parsed.Refused(title, map.line(), problems);
        return new Parsed.Rule(new SigmaRule(meta, detection, warnings));
    }

    /** Builds the searches of a detection (or filter) map and resolves its condition. */
    private Expr detection(YNode.YMap det, String conditionKey, Set<String> reserved, List<String> warnings, List<RuleProblem> problems) {
        Map<Expr, String> markers = ValueBuilder.newMarkerMap();
        SearchBuilder searches = new SearchBuilder(new ValueBuilder(context, markers, warnings));
        Map<String, Expr> named = new LinkedHashMap<>();
        boolean searchFailed = false;
        for (YNode.Entry e : det.entries()) {
            String name = e.key().text();
            if (reserved.contains(name)) continue;
            try {
                named.put(name, searches.search(e.value()));
            } catch (RuleProblem p) {
                problems.add(new RuleProblem("search '" + name + "': " + p.getMessage(), p.line() > 0 ? p.line() : e.key().line()));
                searchFailed = true;
                named.put(name, new Expr.Const(false));
            }
        }
        YNode cond = det.get(conditionKey);
        if (cond == null) {
            problems.add(new RuleProblem("missing condition", det.line()));
            return null;
        }
        List<Expr> alternatives = new ArrayList<>();
        List<YNode.YScalar> conditions = new ArrayList<>();
        switch (cond) {
            case YNode.YScalar s -> conditions.add(s);
            case YNode.YSeq seq -> {
                if (seq.items().isEmpty()) problems.add(new RuleProblem("empty condition list", seq.line()));
                for (YNode item : seq.items()) {
                    if (item instanceof YNode.YScalar s) conditions.add(s);
                    else problems.add(new RuleProblem("a condition must be a string", item.line()));
                }
            }
            case YNode.YMap m -> problems.add(new RuleProblem("a condition must be a string or a list of strings", m.line()));
        }
        for (YNode.YScalar s : conditions) {
            if (s.kind() != YNode.Kind.STRING) {
                problems.add(new RuleProblem("a condition must be a string", s.line()));
                continue;
            }
            try {
                alternatives.add(ConditionParser.parse(s.text(), named, s.line()));
            } catch (RuleProblem p) {
                problems.add(p);
            }
        }
        if (searchFailed || alternatives.isEmpty()) return null;
        Expr expr = alternatives.size() == 1 ? alternatives.getFirst() : new Expr.Or(alternatives);
        if (!markers.isEmpty()) {
            warnings.add("unresolved placeholders " + new java.util.TreeSet<>(markers.values())
                    + " broadened: ignored where required, never excluding where negated");
            expr = Polarity.resolve(expr, markers, true);
        }
        return expr;
    }

    private Parsed filter(YNode.YMap map, String title, List<RuleProblem> problems) {
        if (title == null) problems.add(new RuleProblem("missing title", map.line()));
        RuleMeta meta = meta(map, title, problems);
        YNode f = map.get("filter");
        List<String> rules = List.of();
        Expr expr = null;
        if (!(f instanceof YNode.YMap fm)) {
            problems.add(new RuleProblem("filter must be a map", f.line()));
        } else {
            rules = strings(fm, "rules", problems);
            if (rules.isEmpty()) problems.add(new RuleProblem("filter needs rules", fm.line()));
            expr = detection(fm, "condition", Set.of("condition", "rules"), new ArrayList<>(), problems);
        }
        if (!problems.isEmpty()) return new Parsed.Refused(title, map.line(), problems);
        return new Parsed.GlobalFilter(new Filter(meta, rules, expr));
    }

    private Parsed correlation(YNode.YMap map, String title, List<RuleProblem> problems) {
        if (title == null) problems.add(new RuleProblem("missing title", map.line()));
        RuleMeta meta = meta(map, title, problems);
        Correlation c = CorrelationParser.parse(meta, map.get("correlation"), problems);
        if (!problems.isEmpty() || c == null) return new Parsed.Refused(title, map.line(), problems);
        return new Parsed.Meta(c);
    }

    private RuleMeta meta(YNode.YMap map, String title, List<RuleProblem> problems) {
        List<String> tags = strings(map, "tags", problems);
        List<String> techniques = new ArrayList<>();
        List<String> tactics = new ArrayList<>();
        for (String tag : tags) {
            String t = tag.toLowerCase();
            if (!t.startsWith("attack.")) continue;
            String rest = t.substring(7);
            if (rest.matches("t\\d{4}(\\.\\d{3})?")) techniques.add(rest.toUpperCase());
            else if (TACTICS.contains(rest.replace('_', '-'))) tactics.add(rest.replace('_', '-'));
        }
        LogSource ls = LogSource.ANY;
        YNode lsNode = map.get("logsource");
        if (lsNode instanceof YNode.YMap lm) {
            ls = new LogSource(string(lm, "product", problems), string(lm, "category", problems), string(lm, "service", problems));
        } else if (lsNode != null) {
            problems.add(new RuleProblem("logsource must be a map", lsNode.line()));
        }
        String author = map.get("author") instanceof YNode.YSeq ? String.join(", ", strings(map, "author", problems)) : string(map, "author", problems);
        return new RuleMeta(string(map, "id", problems), string(map, "name", problems), title,
                string(map, "status", problems), string(map, "level", problems), string(map, "description", problems),
                author, strings(map, "references", problems), tags, techniques, tactics,
                strings(map, "falsepositives", problems), ls, file, map.line());
    }

    static String string(YNode.YMap map, String key, List<RuleProblem> problems) {
        YNode n = map.get(key);
        if (n == null) return null;
        if (n instanceof YNode.YScalar s) return s.isNull() ? null : s.text();
        problems.add(new RuleProblem("'" + key + "' must be a string, got " + YNode.describe(n), n.line()));
        return null;
    }

    static List<String> strings(YNode.YMap map, String key, List<RuleProblem> problems) {
        YNode n = map.get(key);
        if (n == null) return List.of();
        return switch (n) {
            case YNode.YScalar s -> s.isNull() ? List.of() : List.of(s.text());
            case YNode.YSeq seq -> {
                List<String> out = new ArrayList<>();
                for (YNode item : seq.items()) {
                    if (item instanceof YNode.YScalar s && !s.isNull()) out.add(s.text());
                    else if (!(item instanceof YNode.YScalar)) problems.add(new RuleProblem("'" + key + "' items must be strings", item.line()));
                }
                yield out;
            }
            case YNode.YMap m -> {
                problems.add(new RuleProblem("'" + key + "' must be a list of strings, got a map", m.line()));
                yield List.of();
            }
        };
    }

    static List<String> splitModifiers(String key) {
        return new ArrayList<>(Arrays.asList(key.split("\\|", -1)));
    }
}
