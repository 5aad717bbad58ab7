package dev.kiroku.detect.sigma.parse;

import dev.kiroku.detect.sigma.model.Expr;
import dev.kiroku.detect.sigma.yaml.YNode;
import java.util.ArrayList;
import java.util.List;

/** Builds one search identifier: a map is an AND of field items, a list an OR of its items, strings are keywords. */
final class SearchBuilder {
    private final ValueBuilder values;

    SearchBuilder(ValueBuilder values) {
        this.values = values;
    }

    Expr search(YNode node) throws RuleProblem {
        return switch (node) {
            case YNode.YMap m -> map(m);
            case YNode.YSeq seq -> {
                if (seq.items().isEmpty()) throw new RuleProblem("empty search", seq.line());
                boolean allScalars = seq.items().stream().allMatch(i -> i instanceof YNode.YScalar);
                if (allScalars) yield values.build(null, List.of(), seq);
                List<Expr> items = new ArrayList<>();
                for (YNode item : seq.items()) {
                    items.add(switch (item) {
                        case YNode.YMap m -> map(m);
                        case YNode.YScalar s -> values.build(null, List.of(), s);
                        case YNode.YSeq inner -> throw new RuleProblem("nested lists are not allowed in a search", inner.line());
                    });
                }
                yield items.size() == 1 ? items.getFirst() : new Expr.Or(items);
            }
            case YNode.YScalar s -> {
                if (s.isNull()) throw new RuleProblem("a search cannot be null", s.line());
                yield values.build(null, List.of(), s);
            }
        };
    }

    private Expr map(YNode.YMap m) throws RuleProblem {
        if (m.entries().isEmpty()) throw new RuleProblem("empty search map", m.line());
        List<Expr> items = new ArrayList<>();
        for (YNode.Entry e : m.entries()) {
            List<String> parts = RuleParser.splitModifiers(e.key().text());
            String field = parts.removeFirst();
            for (String mod : parts) {
                if (mod.isEmpty()) throw new RuleProblem("empty modifier in '" + e.key().text() + "'", e.key().line());
            }
            try {
                items.add(values.build(field.isEmpty() ? null : field, parts, e.value()));
            } catch (RuleProblem p) {
                throw new RuleProblem("'" + e.key().text() + "': " + p.getMessage(), p.line() > 0 ? p.line() : e.key().line());
            }
        }
        return items.size() == 1 ? items.getFirst() : new Expr.And(items);
    }
}
