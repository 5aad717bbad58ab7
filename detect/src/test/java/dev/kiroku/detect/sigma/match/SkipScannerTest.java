package dev.kiroku.detect.sigma.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The skipping scanner finds exactly the patterns that {@code Values.lower(text).contains(pattern)} finds, on random
 * ASCII patterns and texts with case variants, chars in no pattern and non-ASCII letters (including ones that fold to
 * ASCII), and texts built from pieces of the patterns. Seeded: the seed is in every failure message.
 */
class SkipScannerTest {
    private static final String PATTERN_ALPHABET = "abck:-. ";
    private static final String TEXT_ALPHABET = "abckABCK:-. xyz09\u00e4\u00c4\u03a3\u0130\u212a\u2013";

    @Test
    void finds_what_lower_case_contains_finds() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        for (int attempt = 0; attempt < 500; attempt++) {
            List<String> patterns = patterns(r);
            SkipScanner scanner = SkipScanner.of(patterns);
            assertThat(scanner).as("seed %d, patterns %s", seed, patterns).isNotNull();
            for (int t = 0; t < 30; t++) {
                String text = r.nextInt(3) == 0 ? pieces(r, patterns) : RandomText.of(r, TEXT_ALPHABET, 0, 60);
                assertThat(found(scanner, text)).as("seed %d, attempt %d, patterns %s, text '%s'", seed, attempt, patterns, text)
                        .isEqualTo(expected(patterns, text));
            }
        }
    }

    @Test
    void a_pattern_at_either_end_of_a_text_or_filling_it_is_found() {
        SkipScanner scanner = SkipScanner.of(List.of("sekurlsa::", "rpc::", "invoke-mimikatz"));
        assertThat(found(scanner, "RPC::")).containsExactly(1);
        assertThat(found(scanner, "x rpc::")).containsExactly(1);
        assertThat(found(scanner, "rpc:: x")).containsExactly(1);
        assertThat(found(scanner, "Invoke-Mimi\u212aatz sekurlsa::logonpasswords")).containsExactly(0, 2);
        assertThat(found(scanner, "rpc:")).isEmpty();
        assertThat(found(scanner, "")).isEmpty();
    }

    @Test
    void a_short_pattern_with_a_run_of_fold_free_chars_is_found_by_that_run() {
        SkipScanner scanner = SkipScanner.of(List.of("sb://", "sekurlsa::", "lsadump::"));
        assertThat(scanner.window()).isEqualTo(5);
        assertThat(found(scanner, "SB://bus")).containsExactly(0);
        assertThat(found(scanner, "x Sb://")).containsExactly(0);
        assertThat(found(scanner, "sb:/ lsadump:: SEKURLSA::")).containsExactly(1, 2);
        assertThat(found(scanner, "s://b://")).isEmpty();
    }

    @Test
    void short_many_or_non_ascii_patterns_are_left_to_the_automaton() {
        assertThat(SkipScanner.of(List.of("ab", "mimikatz"))).isNull();
        assertThat(SkipScanner.of(List.of("caf\u00e9"))).isNull();
        List<String> many = new ArrayList<>();
        for (int i = 0; i <= SkipScanner.MAX_PATTERNS; i++) many.add("pattern" + i);
        assertThat(SkipScanner.of(many)).isNull();
        assertThat(SkipScanner.of(List.of())).isNull();
    }

    private static List<String> patterns(Random r) {
        List<String> patterns = new ArrayList<>();
        int count = 1 + r.nextInt(SkipScanner.MAX_PATTERNS);
        int shortest = SkipScanner.MIN_SHORTEST + r.nextInt(4);
        for (int i = 0; i < count; i++) patterns.add(RandomText.of(r, PATTERN_ALPHABET, shortest, shortest + r.nextInt(6)));
        return patterns;
    }

    /** A text made of pattern pieces (some upper-cased), so that windows often end a pattern's prefix. */
    private static String pieces(Random r, List<String> patterns) {
        StringBuilder text = new StringBuilder();
        int length = r.nextInt(80);
        while (text.length() < length) {
            String p = patterns.get(r.nextInt(patterns.size()));
            text.append(r.nextBoolean() ? p.toUpperCase(Locale.ROOT) : p, r.nextInt(2), p.length() - r.nextInt(2));
            if (r.nextInt(3) == 0) text.append(RandomText.of(r, TEXT_ALPHABET, 0, 4));
        }
        return text.toString();
    }


    private static Set<Integer> found(SkipScanner scanner, String text) {
        Set<Integer> hits = new TreeSet<>();
        scanner.scan(text, hits::add);
        return hits;
    }

    private static Set<Integer> expected(List<String> patterns, String text) {
        String lower = Values.lower(text);
        Set<Integer> hits = new TreeSet<>();
        for (int p = 0; p < patterns.size(); p++) if (lower.contains(patterns.get(p))) hits.add(p);
        return hits;
    }
}
