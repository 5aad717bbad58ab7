package dev.kiroku.detect.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The compiled matcher (prefilter, caches, merged ORs) gives exactly the oracle's matches on random rules and events. */
class OracleAgreementProperties {
    private static final String CHARS = "abAB*?\\ -/";
    private static final List<String> FIELDS = List.of("a", "b", "c", "n.x");

    @Property(tries = 400)
    void compiled_matcher_agrees_with_the_oracle(@ForAll("rules") List<String> rules, @ForAll("events") List<Map<String, Object>> events) {
        Map<String, String> texts = new LinkedHashMap<>();
        for (int i = 0; i < rules.size(); i++) texts.put("r" + i + ".yml", rules.get(i).replace("ID", String.format("00000000-0000-0000-0000-%012d", i)));
        RuleSet set = SigmaLoader.loadTexts(texts, LoadOptions.defaults()).rules();
        Matcher compiled = Matcher.raw(set);
        Matcher oracle = Matcher.oracle(set, FieldMapping.raw());
        int matched = 0;
        for (Map<String, Object> e : events) {
            Document d = new MapDocument(e);
            List<Match> expected = oracle.match(d);
            assertThat(compiled.match(d)).as("event %s", e).isEqualTo(expected);
            matched += expected.size();
        }
        net.jqwik.api.statistics.Statistics.label("rules loaded of generated").collect(set.rules().size() * 100 / rules.size() / 25 * 25 + "%");
        net.jqwik.api.statistics.Statistics.label("events matched").collect(matched > 0 ? "some" : "none");
    }

    @Provide
    Arbitrary<List<String>> rules() {
        return rule().list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<List<Map<String, Object>>> events() {
        return event().list().ofMinSize(1).ofMaxSize(8);
    }

    static Arbitrary<String> text() {
        return Arbitraries.strings().withChars(CHARS).ofMinLength(0).ofMaxLength(5);
    }

    static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    static Arbitrary<String> item() {
        Arbitrary<String> field = Arbitraries.of(FIELDS);
        Arbitrary<String> textMods = Arbitraries.of("", "|contains", "|startswith", "|endswith", "|contains|all", "|cased",
                "|contains|cased", "|windash", "|windash|contains", "|neq", "|base64offset|contains", "|all");
        Arbitrary<String> plain = Combinators.combine(field, textMods, text().list().ofMinSize(1).ofMaxSize(3))
                .as((f, m, vs) -> f + m + ": [" + String.join(", ", vs.stream().map(OracleAgreementProperties::quote).toList()) + "]");
        Arbitrary<String> regex = Combinators.combine(field, Arbitraries.of("|re", "|re|i"), Arbitraries.of("^a", "b$", "a.b", "[ab]+", "A|-"))
                .as((f, m, r) -> f + m + ": " + quote(r));
        Arbitrary<String> exists = Combinators.combine(field, Arbitraries.of(true, false)).as((f, b) -> f + "|exists: " + b);
        Arbitrary<String> isNull = field.map(f -> f + ": null");
        Arbitrary<String> number = Combinators.combine(field, Arbitraries.of("|gt", "|lte", ""), Arbitraries.integers().between(0, 5))
                .as((f, m, n) -> f + m + ": " + n);
        Arbitrary<String> fieldref = Combinators.combine(field, field).as((f, g) -> f + "|fieldref: " + g);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, plain), net.jqwik.api.Tuple.of(2, regex), net.jqwik.api.Tuple.of(1, exists),
                net.jqwik.api.Tuple.of(1, isNull), net.jqwik.api.Tuple.of(2, number), net.jqwik.api.Tuple.of(1, fieldref));
    }

    static Arbitrary<String> search() {
        Arbitrary<String> map = item().list().ofMinSize(1).ofMaxSize(3).uniqueElements(i -> i.substring(0, i.indexOf(':')).split("\\|")[0])
                .map(items -> String.join("\n", items.stream().map(i -> "    " + i).toList()));
        Arbitrary<String> listOfMaps = map.list().ofMinSize(1).ofMaxSize(3)
                .map(maps -> String.join("\n", maps.stream().map(m -> "    -" + m.substring(5).replace("\n    ", "\n      ")).toList()));
        Arbitrary<String> keywords = text().filter(t -> !t.isEmpty()).list().ofMinSize(1).ofMaxSize(2)
                .map(vs -> String.join("\n", vs.stream().map(v -> "    - " + quote(v)).toList()));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, map), net.jqwik.api.Tuple.of(2, listOfMaps), net.jqwik.api.Tuple.of(1, keywords));
    }

    static Arbitrary<String> condition(int depth) {
        Arbitrary<String> leaf = Arbitraries.of("sel_1", "sel_2", "filter", "1 of sel_*", "all of sel_*", "1 of them", "2 of them");
        if (depth == 0) return leaf;
        Arbitrary<String> sub = condition(depth - 1);
        return Arbitraries.oneOf(leaf,
                Combinators.combine(sub, sub).as((x, y) -> "(" + x + " and " + y + ")"),
                Combinators.combine(sub, sub).as((x, y) -> "(" + x + " or " + y + ")"),
                sub.map(x -> "not " + x));
    }

    static Arbitrary<String> rule() {
        return Combinators.combine(search(), search(), search(), condition(2)).as((s1, s2, f, c) ->
                "title: random\nid: ID\nlogsource:\n  product: test\ndetection:\n  sel_1:\n" + s1 + "\n  sel_2:\n" + s2
                        + "\n  filter:\n" + f + "\n  condition: " + c + "\n");
    }

    static Arbitrary<Object> value() {
        Arbitrary<String> s = Arbitraries.strings().withChars("abAB -/x\u2013").ofMinLength(0).ofMaxLength(6);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, s.map(x -> (Object) x)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 6).map(x -> (Object) x)),
                net.jqwik.api.Tuple.of(1, s.list().ofMaxSize(3).map(x -> (Object) x)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just((Object) "YQBi")));
    }

    static Arbitrary<Map<String, Object>> event() {
        Arbitrary<Object> maybe = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, value()), net.jqwik.api.Tuple.of(1, Arbitraries.just(Absent.ABSENT)));
        return Combinators.combine(maybe, maybe, maybe, maybe).as((a, b, c, x) -> {
            Map<String, Object> m = new HashMap<>();
            put(m, "a", a);
            put(m, "b", b);
            put(m, "c", c);
            if (x != Absent.ABSENT) {
                Map<String, Object> n = new HashMap<>();
                n.put("x", x);
                m.put("n", n);
            }
            return m;
        });
    }

    private enum Absent { ABSENT }

    private static void put(Map<String, Object> m, String k, Object v) {
        if (v != Absent.ABSENT) m.put(k, v);
    }

}
