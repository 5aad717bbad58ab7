package dev.kiroku.detect.sigma.parse;

import dev.kiroku.detect.sigma.model.Correlation;
import dev.kiroku.detect.sigma.model.RuleMeta;
import dev.kiroku.detect.sigma.model.ValueTest.CompareOp;
import dev.kiroku.detect.sigma.yaml.YNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Parses the {@code correlation} section of a meta-rule. */
final class CorrelationParser {
    private CorrelationParser() {
    }

    static Correlation parse(RuleMeta meta, YNode node, List<RuleProblem> problems) {
        if (!(node instanceof YNode.YMap c)) {
            problems.add(new RuleProblem("correlation must be a map", node.line()));
            return null;
        }
        String typeText = RuleParser.string(c, "type", problems);
        Correlation.Type type = null;
        if (typeText == null) {
            problems.add(new RuleProblem("correlation needs a type", c.line()));
        } else {
            try {
                type = Correlation.Type.valueOf(typeText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add(new RuleProblem("unsupported correlation type '" + typeText + "'", c.get("type").line()));
            }
        }
        List<String> rules = RuleParser.strings(c, "rules", problems);
        if (rules.isEmpty()) problems.add(new RuleProblem("correlation needs rules", c.line()));
        List<String> groupBy = RuleParser.strings(c, "group-by", problems);
        Duration timespan = null;
        String ts = RuleParser.string(c, "timespan", problems);
        if (ts == null) {
            ts = RuleParser.string(c, "timeframe", problems);
        }
        if (ts == null) {
            problems.add(new RuleProblem("correlation needs a timespan", c.line()));
        } else {
            timespan = duration(ts);
            if (timespan == null) problems.add(new RuleProblem("bad timespan '" + ts + "' (use e.g. 30s, 5m, 1h, 1d)", c.line()));
        }
        Map<CompareOp, BigDecimal> conditions = new EnumMap<>(CompareOp.class);
        String field = null;
        YNode cond = c.get("condition");
        if (cond instanceof YNode.YMap cm) {
            for (YNode.Entry e : cm.entries()) {
                String key = e.key().text();
                if (key.equals("field")) {
                    field = e.value() instanceof YNode.YScalar s ? s.text() : null;
                    if (field == null) problems.add(new RuleProblem("condition field must be a string", e.value().line()));
                    continue;
                }
                CompareOp op = switch (key) {
                    case "gt" -> CompareOp.GT;
                    case "gte" -> CompareOp.GTE;
                    case "lt" -> CompareOp.LT;
                    case "lte" -> CompareOp.LTE;
                    case "eq" -> CompareOp.EQ;
                    case "neq" -> CompareOp.NEQ;
                    default -> null;
                };
                BigDecimal n = e.value() instanceof YNode.YScalar s ? ValueBuilder.number(s.text()) : null;
                if (op == null) problems.add(new RuleProblem("unknown correlation condition '" + key + "'", e.key().line()));
                else if (n == null) problems.add(new RuleProblem("correlation condition '" + key + "' needs a number", e.value().line()));
                else conditions.put(op, n);
            }
        } else if (cond != null) {
            problems.add(new RuleProblem("correlation condition must be a map", cond.line()));
        }
        if (type != null) {
            switch (type) {
                case EVENT_COUNT, VALUE_COUNT, VALUE_SUM, VALUE_AVG -> {
                    if (conditions.isEmpty()) problems.add(new RuleProblem(typeText + " needs a condition", c.line()));
                    if (type != Correlation.Type.EVENT_COUNT && field == null) problems.add(new RuleProblem(typeText + " needs a condition field", c.line()));
                }
                case TEMPORAL, TEMPORAL_ORDERED -> {
                    if (rules.size() < 2 && !rules.isEmpty()) problems.add(new RuleProblem(typeText + " needs at least two rules", c.line()));
                }
            }
        }
        Map<String, Map<String, String>> aliases = new LinkedHashMap<>();
        YNode al = c.get("aliases");
        if (al instanceof YNode.YMap am) {
            for (YNode.Entry e : am.entries()) {
                Map<String, String> perRule = new LinkedHashMap<>();
                if (e.value() instanceof YNode.YMap pm) {
                    for (YNode.Entry pe : pm.entries()) {
                        if (pe.value() instanceof YNode.YScalar s) perRule.put(pe.key().text(), s.text());
                        else problems.add(new RuleProblem("alias field must be a string", pe.value().line()));
                    }
                } else {
                    problems.add(new RuleProblem("alias '" + e.key().text() + "' must map rule names to fields", e.value().line()));
                }
                aliases.put(e.key().text(), Map.copyOf(perRule));
            }
        } else if (al != null) {
            problems.add(new RuleProblem("aliases must be a map", al.line()));
        }
        YNode gen = c.get("generate");
        boolean generate = gen instanceof YNode.YScalar g && g.text().equalsIgnoreCase("true");
        if (type == null || timespan == null) return null;
        return new Correlation(meta, type, rules, groupBy, timespan, conditions, field, aliases, generate);
    }

    static Duration duration(String s) {
        String t = s.trim();
        if (t.length() < 2) return null;
        long n;
        try {
            n = Long.parseLong(t.substring(0, t.length() - 1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (n <= 0) return null;
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            case 'w' -> Duration.ofDays(7 * n);
            default -> null;
        };
    }
}
