package dev.kiroku.detect.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Rendered Windows event messages restate the event's fields ("Image: C:\x.exe" lines), and the compiled matcher
 * scans such a line only until it has left the "Image: " prefix when the value is a field of the same event. Keyword
 * and {@code Message} rules with literals inside values, across the name and the value, across lines, and messages
 * with "\n" and "\r\n" line ends, values restated exactly, changed, or of another field: the compiled matcher
 * finds exactly what the oracle finds. A rule with hundreds of keywords makes the keyword automaton big enough for
 * the matcher's scan cache and restated-line shortcut; without it, the few keywords are searched by skipping, and
 * values that a message line restates are not scanned on their own (keywords then drawn from the fields' values, so
 * they occur in the restated values and their message lines only). Seeded: the seed is in every failure message.
 */
class KeywordMessageTest {
    private static final List<String> FIELDS = List.of("Image", "User", "CommandLine", "a");
    private static final String CHARS = "abAB: -\\x.\u00e4";

    @Test
    void compiled_matcher_agrees_with_the_oracle_on_messages_restating_fields() {
        agree(true);
    }

    @Test
    void skipping_keyword_search_agrees_with_the_oracle_on_keywords_inside_restated_values() {
        agree(false);
    }

    /**
     * A rule that becomes a candidate through its event id, with keywords beside it (as SigmaHQ's Service Bus rule):
     * its keywords are not searched for in every event but tested on the event's values when the rule is evaluated,
     * case-insensitively, in any value, and a second rule that requires its own keywords is still found by the search.
     */
    @Test
    void keywords_beside_a_selective_field_are_tested_when_the_rule_is_evaluated() {
        Map<String, String> rules = new LinkedHashMap<>();
        rules.put("bus.yml", "title: bus\nid: 00000000-0000-0000-0000-000000000001\nlogsource:\n  product: test\ndetection:\n"
                + "  selection:\n    EventID: 40300\n  keywords:\n    - 'sb://'\n    - 'HybridConnection'\n  condition: selection and keywords\n");
        rules.put("kiwi.yml", "title: kiwi\nid: 00000000-0000-0000-0000-000000000002\nlogsource:\n  product: test\ndetection:\n"
                + "  keywords:\n    - 'sekurlsa::'\n    - 'lsadump::'\n  condition: keywords\n");
        RuleSet set = SigmaLoader.loadTexts(rules, LoadOptions.defaults()).rules();
        Matcher compiled = Matcher.raw(set);
        Matcher oracle = Matcher.oracle(set, FieldMapping.raw());
        List<Map<String, Object>> events = List.of(
                Map.of("EventID", 40300, "Message", "Listener at SB://relay.example/x"),
                Map.of("EventID", 40300, "Data", List.of("a", "hybridCONNECTION up")),
                Map.of("EventID", 40300, "Message", "sb:/ hybrid connection"),
                Map.of("EventID", 40301, "Message", "sb://relay"),
                Map.of("EventID", 1, "CommandLine", "mimikatz SEKURLSA::logonpasswords sb://x"));
        List<String> titles = new ArrayList<>();
        for (Map<String, Object> e : events) {
            Document d = new MapDocument(new HashMap<>(e));
            List<Match> found = compiled.match(d);
            assertThat(found).as("event %s", e).isEqualTo(oracle.match(d));
            titles.add(found.stream().map(m -> m.rule().title()).toList().toString());
        }
        assertThat(titles).containsExactly("[bus]", "[bus]", "[]", "[]", "[kiwi]");
    }

    /** Padded: hundreds of keywords (the automaton path); else at most seven (the skipping one). */
    private static void agree(boolean padded) {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        int matched = 0;
        for (int attempt = 0; attempt < 80; attempt++) {
            List<Map<String, Object>> events = new ArrayList<>();
            for (int i = 0; i < 10; i++) events.add(event(r));
            Map<String, String> rules = new LinkedHashMap<>();
            if (padded) rules.put("padding.yml", rule(0, padding(r)));
            for (int i = 1; i <= 6; i++) rules.put("r" + i + ".yml", rule(i, i % 3 == 0 ? messageSearch(r, events) : keywordSearch(r, events, !padded)));
            RuleSet set = SigmaLoader.loadTexts(rules, LoadOptions.defaults()).rules();
            assertThat(set.rules()).as("seed %d: every generated rule loads", seed).hasSize(rules.size());
            Matcher compiled = Matcher.raw(set);
            Matcher oracle = Matcher.oracle(set, FieldMapping.raw());
            for (Map<String, Object> e : events) {
                Document d = new MapDocument(e);
                List<Match> expected = oracle.match(d);
                assertThat(compiled.match(d)).as("seed %d, attempt %d, rules %s, event %s", seed, attempt, rules.values(), e).isEqualTo(expected);
                matched += expected.size();
            }
        }
        assertThat(matched).as("seed %d: rules match often", seed).isGreaterThan(padded ? 150 : 100);
    }

    private static String rule(int id, String search) {
        return "title: r" + id + "\nid: " + String.format("00000000-0000-0000-0000-%012d", id)
                + "\nlogsource:\n  product: test\ndetection:\n  sel:\n" + search + "\n  condition: sel\n";
    }

    /** Hundreds of keywords that rarely occur, so the keyword automaton is too big to scan without the cache. */
    private static String padding(Random r) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 300; i++) b.append("    - ").append(quote(random(r, "qrstuvwyz0123456789:", 8, 12))).append('\n');
        return b.toString().stripTrailing();
    }

    private static String keywordSearch(Random r, List<Map<String, Object>> events, boolean fromValues) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 1 + r.nextInt(3); i++) {
            String literal = fromValues && r.nextInt(4) > 0 ? valueLiteral(r, events) : literal(r, events);
            // The skipping search takes ASCII keywords only (texts may hold anything).
            if (fromValues) literal = literal.replace("\u00e4", "").replace("\u00c4", "");
            if (literal.length() < 3) literal = random(r, CHARS.replace("\u00e4", ""), 3, 6);
            b.append("    - ").append(quote(literal)).append('\n');
        }
        return b.toString().stripTrailing();
    }

    private static String messageSearch(Random r, List<Map<String, Object>> events) {
        return "    Message|contains: " + quote(literal(r, events));
    }

    /** A piece of some event's message (often across a name and its value, or a line end), or random text. */
    private static String literal(Random r, List<Map<String, Object>> events) {
        String message = (String) events.get(r.nextInt(events.size())).get("Message");
        if (message == null || message.length() < 4 || r.nextInt(5) == 0) return random(r, CHARS, 3, 6);
        int from = r.nextInt(message.length() - 3);
        int to = Math.min(message.length(), from + 3 + r.nextInt(10));
        String piece = message.substring(from, to);
        return r.nextBoolean() ? piece.toUpperCase(java.util.Locale.ROOT) : piece;
    }

    /** A piece of some event's field value (restated in its message, or not), or random text. */
    private static String valueLiteral(Random r, List<Map<String, Object>> events) {
        Object value = events.get(r.nextInt(events.size())).get(FIELDS.get(r.nextInt(FIELDS.size())));
        if (!(value instanceof String text) || text.length() < 3) return random(r, CHARS, 3, 6);
        int from = r.nextInt(text.length() - 2);
        String piece = text.substring(from, Math.min(text.length(), from + 3 + r.nextInt(6)));
        return r.nextBoolean() ? piece.toUpperCase(java.util.Locale.ROOT) : piece;
    }

    private static Map<String, Object> event(Random r) {
        Map<String, Object> e = new HashMap<>();
        for (String f : FIELDS) {
            int kind = r.nextInt(8);
            if (kind == 0) continue;
            e.put(f, kind == 1 ? (Object) r.nextInt(100) : random(r, CHARS, 0, 24));
        }
        if (r.nextInt(6) == 0) e.put("Nested", Map.of("Image", random(r, CHARS, 0, 20)));
        List<String> lines = new ArrayList<>();
        lines.add(r.nextBoolean() ? "Process accessed:" : "");
        for (String f : FIELDS) {
            Object v = e.get(f);
            String text = switch (r.nextInt(6)) {
                case 0 -> random(r, CHARS, 0, 24);
                case 1 -> String.valueOf(e.get(FIELDS.get(r.nextInt(FIELDS.size()))));
                case 2 -> v + "x";
                default -> String.valueOf(v);
            };
            String separator = List.of(": ", ": ", ": ", ":", ":\t", ": \t ").get(r.nextInt(6));
            lines.add(f + separator + text + (r.nextInt(6) == 0 ? " \t" : ""));
        }
        if (r.nextBoolean()) lines.add("Nested.Image: " + e.getOrDefault("Nested", Map.of()));
        java.util.Collections.shuffle(lines, r);
        String end = r.nextBoolean() ? "\r\n" : "\n";
        String message = String.join(end, lines) + (r.nextBoolean() ? end : "");
        if (r.nextInt(10) > 0) e.put("Message", message);
        return e;
    }

    private static String random(Random r, String chars, int min, int max) {
        int n = min + r.nextInt(max - min + 1);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) b.append(chars.charAt(r.nextInt(chars.length())));
        return b.toString();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
