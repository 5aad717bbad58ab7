package dev.kiroku.detect.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compiled matcher (prefilter, caches, merged ORs) gives exactly the oracle's matches on random rules and
 * events; and a value translation of the field mapping means the same as evaluating the rule on the event with the
 * translated field's value spelled the Sigma way.
 *
 * <p>Random, but reproducible: the seed is printed; {@code -Dkiroku.oracle.seed=N} replays a run and
 * {@code -Dkiroku.oracle.tries=N} changes the number of tries (default {@value #DEFAULT_TRIES} per property). Each
 * try has its own seed derived from the run's, shown in the failure message.
 */
class OracleAgreementTest {
    static final int DEFAULT_TRIES = 500;
    /** Rule value chars; the non-ASCII ones exercise the compiled matcher's ASCII-only shortcut. */
    private static final String CHARS = "abAB*?\\ -/\u2013\u00c4";
    private static final List<String> FIELDS = List.of("a", "b", "c", "n.x");
    /** The translated Sigma field {@code t} and its event field {@code d}. */
    private static final Map<String, String> TRANSLATION = Map.of("a", "egress", "B-b", "ingress", "3", "three");
    private static final List<String> DIRECTIONS = List.of("egress", "ingress", "three", "EGRESS", "listening", "a", "");

    static long seed;
    static int tries;

    @BeforeAll
    static void seed() {
        String s = System.getProperty("kiroku.oracle.seed");
        seed = s == null || s.isBlank() ? new java.security.SecureRandom().nextLong() : Long.parseLong(s.trim());
        String t = System.getProperty("kiroku.oracle.tries");
        tries = t == null || t.isBlank() ? DEFAULT_TRIES : Integer.parseInt(t.trim());
        System.out.println("OracleAgreementTest: seed " + seed + " (replay with -Dkiroku.oracle.seed=" + seed + "), " + tries + " tries");
    }

    /** One generator per try, seeded from the run's seed and the try's number, so one failing try can be replayed. */
    static RandomGenerator random(long runSeed, int salt, int attempt) {
        long s = runSeed ^ (0x9E3779B97F4A7C15L * (attempt + 1L)) ^ ((long) salt << 32);
        return RandomGeneratorFactory.of("L64X128MixRandom").create(s);
    }

    @Test
    void compiled_matcher_agrees_with_the_oracle() {
        Totals totals = agree(1, FIELDS, FieldMapping.raw(), g -> {
            List<String> rules = g.list(1, 6, g::rule);
            return new Try(rules, g.list(1, 8, () -> g.event(false)));
        }, (t, set, event, matches) -> { });
        System.out.printf("OracleAgreementTest: %d tries, %d of %d generated rules loaded, %d matches%n", tries, totals.loaded(),
                totals.generated(), totals.matched());
        // About half the generated rules are refused (modifier conflicts and the like); the rest must be plenty.
        assertThat(totals.loaded() * 4).as("a good share of the generated rules load").isGreaterThan(totals.generated());
        assertThat(totals.matched()).as("some events match").isPositive();
    }

    @Test
    void a_value_translation_means_evaluating_the_sigma_spelling_of_the_value() {
        FieldMapping translated = new FieldMapping(List.of(new FieldMapping.Target("t", new dev.kiroku.detect.sigma.model.LogSource("test", null, null),
                Map.of(), Map.of(), "", false, Map.of("t", new FieldMapping.Translation("d", TRANSLATION)), Set.of())));
        List<String> fields = new ArrayList<>(FIELDS);
        fields.add("t");
        fields.add("t");
        int[] translatedMatches = {0};
        int matched = agree(2, fields, translated, g -> {
            List<String> rules = g.list(1, 6, g::rule);
            return new Try(rules, g.list(1, 8, () -> g.event(true)));
        }, (t, set, event, matches) -> {
            Set<String> unbound = translated.bind(set.rules()).skipped().keySet();
            Document spelled = new SigmaSpelling(new MapDocument(event));
            List<Match> expected = Matcher.oracle(set, FieldMapping.raw()).match(spelled).stream().filter(m -> !unbound.contains(m.ruleId())).toList();
            assertThat(matches).as("translated: seed %d, rules %s, event %s", seed, t.rules(), event).isEqualTo(expected);
            if (event.get("d") != null && !matches.isEmpty()) translatedMatches[0]++;
        }).matched();
        System.out.printf("OracleAgreementTest (translation): %d tries, %d matches, %d on events with the translated field%n",
                tries, matched, translatedMatches[0]);
        assertThat(translatedMatches[0]).isPositive();
    }

    /** Logsources of every kind the Windows gate distinguishes (known, unknown, generic, other products, none). */
    private static final List<String> LOGSOURCES = List.of("  product: test\n", "  product: windows\n  category: process_creation\n",
            "  product: windows\n  category: process_access\n", "  product: windows\n  service: security\n", "  category: process_creation\n",
            "  product: windows\n", "  product: windows\n  category: file_access\n", "  category: webserver\n",
            "  product: linux\n  category: process_creation\n", "  product: windows\n  service: sysmon\n", "  service: apache\n", "  {}\n");
    /** Channel and EventID pairs: classified, on a listed channel with another id, unlisted, spelled differently. */
    private static final List<List<Object>> CHANNELS = List.of(List.of("Microsoft-Windows-Sysmon/Operational", 1),
            List.of("Microsoft-Windows-Sysmon/Operational", 10), List.of("Microsoft-Windows-Sysmon/Operational", "1"),
            List.of("Microsoft-Windows-Sysmon/Operational", 99), List.of("Security", 4688), List.of("security", 4624),
            List.of("Linux-Sysmon/Operational", 1), List.of("Application", "x"));

    @Test
    void windows_events_are_gated_by_logsource_as_the_oracle_gates_them() {
        int[] gated = {0};
        int matched = agree(3, FIELDS, FieldMapping.raw(), g -> {
            List<String> rules = g.list(1, 8, () -> g.rule(g.pick(LOGSOURCES)));
            return new Try(rules, g.list(1, 8, () -> {
                Map<String, Object> e = g.event(false);
                if (g.r.nextInt(5) > 0) {
                    List<Object> channel = g.pick(CHANNELS);
                    e.put("Channel", channel.get(0));
                    e.put("EventID", channel.get(1));
                }
                return e;
            }));
        }, (t, set, event, matches) -> {
            Document d = new MapDocument(event);
            long ungated = set.rules().stream().filter(rule -> dev.kiroku.detect.sigma.match.Oracle.matches(rule.detection(), d)).count();
            gated[0] += (int) (ungated - matches.size());
        }).matched();
        System.out.printf("OracleAgreementTest (Windows logsources): %d tries, %d matches, %d rule matches gated away%n", tries, matched, gated[0]);
        assertThat(matched).isPositive();
        assertThat(gated[0]).as("the gate excludes some rules that would match").isPositive();
    }

    /** One try's generated rules and events. */
    private record Try(List<String> rules, List<Map<String, Object>> events) {
    }

    /** Matches, rules loaded and rules generated over all tries of a property. */
    private record Totals(int matched, int loaded, int generated) {
    }

    /** What a property checks on each event besides the agreement, given the matches both matchers found. */
    private interface EventCheck {
        void check(Try t, RuleSet set, Map<String, Object> event, List<Match> matches);
    }

    /**
     * Runs {@link #tries} tries of one property (its own random stream): generates rules and events, loads the rules,
     * asserts on every event that the compiled matcher and the oracle agree through {@code mapping}, then runs
     * {@code check}.
     */
    private static Totals agree(int property, List<String> fields, FieldMapping mapping, java.util.function.Function<Gen, Try> generate, EventCheck check) {
        int matched = 0;
        int loaded = 0;
        int generated = 0;
        for (int attempt = 0; attempt < tries; attempt++) {
            Try t = generate.apply(new Gen(random(seed, property, attempt), fields));
            RuleSet set = load(t.rules());
            Matcher compiled = Matcher.compiled(set, mapping);
            Matcher oracle = Matcher.oracle(set, mapping);
            for (Map<String, Object> e : t.events()) {
                Document d = new MapDocument(e);
                List<Match> expected = oracle.match(d);
                assertThat(compiled.match(d)).as("seed %d, try %d, rules %s, event %s", seed, attempt, t.rules(), e).isEqualTo(expected);
                matched += expected.size();
                check.check(t, set, e, expected);
            }
            loaded += set.rules().size();
            generated += t.rules().size();
        }
        return new Totals(matched, loaded, generated);
    }

    private static RuleSet load(List<String> rules) {
        Map<String, String> texts = new LinkedHashMap<>();
        for (int i = 0; i < rules.size(); i++) texts.put("r" + i + ".yml", rules.get(i).replace("ID", String.format("00000000-0000-0000-0000-%012d", i)));
        return SigmaLoader.loadTexts(texts, LoadOptions.defaults()).rules();
    }

    /**
     * The event as a Sysmon-style source would have recorded it: field {@code t} holds the Sigma value whose
     * translation {@code d} holds (elementwise for a list; absent if none). Keyword searches still see the recorded
     * values only, as the mapping documents.
     */
    private record SigmaSpelling(Document event) implements Document {
        @Override
        public Object get(String field) {
            if (!field.equals("t")) return event.get(field);
            Object d = event.get("d");
            if (d instanceof List<?> list) {
                List<Object> out = new ArrayList<>();
                for (Object o : list) {
                    String k = sigma(o);
                    if (k != null) out.add(k);
                }
                return out.isEmpty() ? null : out;
            }
            return sigma(d);
        }

        private static String sigma(Object eventValue) {
            if (!(eventValue instanceof String s)) return null;
            for (Map.Entry<String, String> e : TRANSLATION.entrySet()) {
                if (e.getValue().toLowerCase(Locale.ROOT).equals(s.toLowerCase(Locale.ROOT))) return e.getKey();
            }
            return null;
        }

        @Override
        public boolean has(String field) {
            return field.equals("t") ? get("t") != null : event.has(field);
        }

        @Override
        public Collection<String> fieldNames() {
            Set<String> names = new HashSet<>(event.fieldNames());
            if (has("t")) names.add("t");
            return names;
        }

        @Override
        public Iterable<Object> values() {
            return event.values();
        }
    }

    static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** The random rule and event generators (what the former jqwik arbitraries generated). */
    static final class Gen {
        private final RandomGenerator r;
        private final List<String> fields;
        private final List<String> longTexts = new ArrayList<>();

        Gen(RandomGenerator r, List<String> fields) {
            this.r = r;
            this.fields = fields;
        }

        <T> T pick(List<T> items) {
            return items.get(r.nextInt(items.size()));
        }

        <T> List<T> list(int min, int max, Supplier<T> item) {
            int n = r.nextInt(min, max + 1);
            List<T> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) out.add(item.get());
            return out;
        }

        /** Picks one of the suppliers with probability proportional to its weight. */
        @SafeVarargs
        final <T> T frequency(Map.Entry<Integer, Supplier<T>>... choices) {
            int total = 0;
            for (var c : choices) total += c.getKey();
            int x = r.nextInt(total);
            for (var c : choices) {
                if ((x -= c.getKey()) < 0) return c.getValue().get();
            }
            throw new AssertionError();
        }

        String string(String chars, int min, int max) {
            int n = r.nextInt(min, max + 1);
            StringBuilder b = new StringBuilder(n);
            for (int i = 0; i < n; i++) b.append(chars.charAt(r.nextInt(chars.length())));
            return b.toString();
        }

        String text() {
            return string(CHARS, 0, 5);
        }

        String item() {
            String field = pick(fields);
            return frequency(
                    Map.entry(8, () -> {
                        String m = pick(List.of("", "|contains", "|startswith", "|endswith", "|contains|all", "|cased",
                                "|contains|cased", "|windash", "|windash|contains", "|neq", "|base64offset|contains", "|all"));
                        return field + m + ": [" + String.join(", ", list(1, 3, this::text).stream().map(OracleAgreementTest::quote).toList()) + "]";
                    }),
                    Map.entry(2, () -> field + pick(List.of("|re", "|re|i")) + ": " + quote(pick(List.of("^a", "b$", "a.b", "[ab]+", "A|-")))),
                    Map.entry(1, () -> field + "|exists: " + r.nextBoolean()),
                    Map.entry(1, () -> field + ": null"),
                    Map.entry(2, () -> field + pick(List.of("|gt", "|lte", "")) + ": " + r.nextInt(0, 6)),
                    Map.entry(1, () -> field + "|fieldref: " + pick(fields)));
        }

        /** A map search of 1-3 items on distinct fields. */
        String map() {
            int n = r.nextInt(1, 4);
            Map<String, String> byField = new LinkedHashMap<>();
            for (int attempts = 0; byField.size() < n && attempts < 20; attempts++) {
                String i = item();
                byField.putIfAbsent(i.substring(0, i.indexOf(':')).split("\\|")[0], i);
            }
            return String.join("\n", byField.values().stream().map(i -> "    " + i).toList());
        }

        String search() {
            return frequency(
                    Map.entry(6, this::map),
                    Map.entry(2, () -> String.join("\n", list(1, 3, this::map).stream()
                            .map(m -> "    -" + m.substring(5).replace("\n    ", "\n      ")).toList())),
                    Map.entry(1, () -> String.join("\n", list(1, 2, () -> {
                        String t;
                        do {
                            t = text();
                        } while (t.isEmpty());
                        return t;
                    }).stream().map(v -> "    - " + quote(v)).toList())));
        }

        String condition(int depth) {
            List<String> leaves = List.of("sel_1", "sel_2", "filter", "1 of sel_*", "all of sel_*", "1 of them", "2 of them");
            if (depth == 0) return pick(leaves);
            return switch (r.nextInt(4)) {
                case 0 -> pick(leaves);
                case 1 -> "(" + condition(depth - 1) + " and " + condition(depth - 1) + ")";
                case 2 -> "(" + condition(depth - 1) + " or " + condition(depth - 1) + ")";
                default -> "not " + condition(depth - 1);
            };
        }

        String rule() {
            return rule("  product: test\n");
        }

        /** A random rule with the given logsource lines. */
        String rule(String logsource) {
            return "title: random\nid: ID\nlogsource:\n" + logsource + "detection:\n  sel_1:\n" + search() + "\n  sel_2:\n" + search()
                    + "\n  filter:\n" + search() + "\n  condition: " + condition(2) + "\n";
        }

        Object value() {
            Supplier<String> s = () -> string("abAB -/x\u2013\u00e4", 0, 6);
            return frequency(
                    Map.entry(6, s::get),
                    Map.entry(2, this::longText),
                    Map.entry(2, () -> r.nextInt(0, 7)),
                    Map.entry(1, () -> list(0, 3, s)),
                    Map.entry(1, () -> "YQBi"));
        }

        /**
         * A value long enough for the matcher's scan cache, often multi-line (scanned line by line), and often one
         * given before (answered from the cache).
         */
        String longText() {
            if (!longTexts.isEmpty() && r.nextBoolean()) return pick(longTexts);
            String t = String.join(pick(List.of("\n", "\r\n", " ")), list(2, 5, () -> string("abAB -/x\u2013\u00e4", 4, 20)));
            longTexts.add(t);
            return t;
        }

        Map<String, Object> event(boolean withDirection) {
            Function<Supplier<Object>, Object> maybe = v -> r.nextInt(5) < 4 ? v.get() : Absent.ABSENT;
            Map<String, Object> m = new HashMap<>();
            put(m, "a", maybe.apply(this::value));
            put(m, "b", maybe.apply(this::value));
            put(m, "c", maybe.apply(this::value));
            Object x = maybe.apply(this::value);
            if (x != Absent.ABSENT) {
                Map<String, Object> n = new HashMap<>();
                n.put("x", x);
                m.put("n", n);
            }
            if (withDirection) {
                put(m, "d", frequency(
                        Map.entry(6, () -> pick(DIRECTIONS)),
                        Map.entry(1, () -> list(0, 3, () -> pick(DIRECTIONS))),
                        Map.entry(1, () -> r.nextInt(0, 4)),
                        Map.entry(2, () -> Absent.ABSENT)));
            }
            return m;
        }

        private static void put(Map<String, Object> m, String k, Object v) {
            if (v != Absent.ABSENT) m.put(k, v);
        }
    }

    private enum Absent { ABSENT }
}
