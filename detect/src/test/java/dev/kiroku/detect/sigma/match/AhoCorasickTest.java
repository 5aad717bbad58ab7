package dev.kiroku.detect.sigma.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The automaton finds exactly the patterns that {@code Values.lower(text).contains(pattern)} finds, on random
 * patterns and texts with case variants and non-ASCII letters (including ones that fold to ASCII), with full dense
 * rows, with tiny dense tables (goto edges and failure links from deep states) and with more states than a 16-bit
 * dense entry can name. Seeded: the seed is in every failure message.
 */
class AhoCorasickTest {
    private static final String ALPHABET = "abcAB-/. \u00e4\u00c4\u03a3\u03c3\u03c2\u0130\u212a\u2013k";

    @Test
    void finds_what_lower_case_contains_finds() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        for (int attempt = 0; attempt < 300; attempt++) {
            List<String> patterns = new ArrayList<>();
            int count = 1 + r.nextInt(40);
            for (int i = 0; i < count; i++) patterns.add(Values.lower(RandomText.of(r, ALPHABET, 1, 6)));
            int maxDense = switch (r.nextInt(3)) {
                case 0 -> 1 << 21;
                case 1 -> 1;
                default -> 1 + r.nextInt(200);
            };
            AhoCorasick automaton = new AhoCorasick(patterns, maxDense);
            for (int t = 0; t < 20; t++) {
                String text = RandomText.of(r, ALPHABET, 0, 40);
                assertThat(found(automaton, text)).as("seed %d, attempt %d, patterns %s, dense cells %d, text '%s'",
                        seed, attempt, patterns, maxDense, text).isEqualTo(expected(patterns, text));
            }
        }
    }

    @Test
    void state_numbers_beyond_sixteen_bits_are_followed_by_goto_edges() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < 3000; i++) patterns.add(Values.lower(RandomText.of(r, ALPHABET, 15, 25)));
        AhoCorasick automaton = new AhoCorasick(patterns);
        for (int t = 0; t < 300; t++) {
            // Texts made of pattern pieces, so that scans run deep into the trie.
            StringBuilder text = new StringBuilder();
            while (text.length() < 200) {
                String p = patterns.get(r.nextInt(patterns.size()));
                text.append(r.nextBoolean() ? p.toUpperCase(java.util.Locale.ROOT) : p, 0, 1 + r.nextInt(p.length()));
                if (r.nextInt(4) == 0) text.append(RandomText.of(r, ALPHABET, 0, 3));
            }
            String s = text.toString();
            assertThat(found(automaton, s)).as("seed %d, text '%s'", seed, s).isEqualTo(expected(patterns, s));
        }
    }

    @Test
    void a_prefix_scan_and_a_scan_of_the_rest_find_what_a_scan_of_the_whole_text_finds() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        for (int attempt = 0; attempt < 300; attempt++) {
            List<String> patterns = new ArrayList<>();
            int count = 1 + r.nextInt(40);
            for (int i = 0; i < count; i++) patterns.add(Values.lower(RandomText.of(r, ALPHABET, 1, 6)));
            AhoCorasick automaton = new AhoCorasick(patterns, r.nextBoolean() ? 1 << 21 : 1 + r.nextInt(50));
            for (int t = 0; t < 20; t++) {
                String prefix = RandomText.of(r, ALPHABET, 0, 12);
                String rest = RandomText.of(r, ALPHABET, 0, 30);
                String whole = prefix + rest;
                Set<Integer> prefixHits = new TreeSet<>();
                automaton.scanPrefix(whole.toCharArray(), whole.length(), prefix.length(), prefixHits::add);
                Set<Integer> expected = expected(patterns, whole);
                String as = String.format("seed %d, attempt %d, patterns %s, prefix '%s', rest '%s'", seed, attempt, patterns, prefix, rest);
                assertThat(expected).as(as).containsAll(prefixHits);
                Set<Integer> union = new TreeSet<>(prefixHits);
                union.addAll(found(automaton, rest));
                assertThat(union).as(as).isEqualTo(expected);
            }
        }
    }

    @Test
    void texts_around_the_shortest_pattern_length_are_scanned_exactly() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        for (int attempt = 0; attempt < 300; attempt++) {
            List<String> patterns = new ArrayList<>();
            int shortest = 2 + r.nextInt(6);
            int count = 1 + r.nextInt(20);
            for (int i = 0; i < count; i++) patterns.add(Values.lower(RandomText.of(r, ALPHABET, shortest, shortest + 4)));
            AhoCorasick automaton = new AhoCorasick(patterns, r.nextBoolean() ? 1 << 21 : 1 + r.nextInt(50));
            assertThat(automaton.shortest()).isEqualTo(patterns.stream().mapToInt(String::length).min().orElseThrow());
            for (int t = 0; t < 20; t++) {
                // A text that is a case variant of a pattern, possibly cut short by one char.
                String p = patterns.get(r.nextInt(patterns.size()));
                String text = r.nextBoolean() ? p.toUpperCase(java.util.Locale.ROOT) : RandomText.of(r, ALPHABET, 0, shortest + 1);
                if (r.nextBoolean() && !text.isEmpty()) text = text.substring(0, text.length() - 1);
                assertThat(found(automaton, text)).as("seed %d, attempt %d, patterns %s, text '%s'", seed, attempt, patterns, text)
                        .isEqualTo(expected(patterns, text));
            }
        }
    }


    private static Set<Integer> found(AhoCorasick automaton, String text) {
        Set<Integer> hits = new TreeSet<>();
        automaton.scan(text.toCharArray(), text.length(), hits::add);
        return hits;
    }

    private static Set<Integer> expected(List<String> patterns, String text) {
        String lower = Values.lower(text);
        Set<Integer> hits = new TreeSet<>();
        for (int p = 0; p < patterns.size(); p++) if (lower.contains(patterns.get(p))) hits.add(p);
        return hits;
    }
}
