package dev.kiroku.indicators.match;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class AhoCorasickTest {

    /** Property: the automaton finds the same (pattern, end) occurrences as a naive search (seeded). */
    @Test
    void findsWhatANaiveSearchFinds() {
        Random random = new Random(1234);
        for (int round = 0; round < 300; round++) {
            List<String> patterns = new ArrayList<>();
            AhoCorasick<String> ac = new AhoCorasick<>();
            for (int i = 0; i < 1 + random.nextInt(30); i++) {
                String p = word(random, 1 + random.nextInt(5));
                patterns.add(p);
                ac.add(p, p);
            }
            ac.build();
            String text = word(random, random.nextInt(80));
            List<String> found = new ArrayList<>();
            ac.search(text.toUpperCase(Locale.ROOT), found::add);
            List<String> expected = new ArrayList<>();
            for (String p : patterns) {
                for (int at = text.indexOf(p); at >= 0; at = text.indexOf(p, at + 1)) expected.add(p);
            }
            assertThat(found).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    /**
     * Property: the dense table and the sparse edge lists find the same occurrences as a naive search that lower-cases
     * one character at a time, over mixed case, digits, punctuation and non-ASCII letters (seeded).
     */
    @Test
    void denseAndSparseAgreeWithANaiveCaseFoldedSearch() {
        Random random = new Random(20261127);
        String alphabet = "abcABC.\\/-09xİıKkÄäß";
        for (int round = 0; round < 2000; round++) {
            List<String> patterns = new ArrayList<>();
            AhoCorasick<String> dense = new AhoCorasick<>();
            AhoCorasick<String> sparse = new AhoCorasick<>(0);
            for (int i = 0; i < 1 + random.nextInt(40); i++) {
                String p = word(random, alphabet, 1 + random.nextInt(6));
                patterns.add(p);
                dense.add(p, p);
                sparse.add(p, p);
            }
            dense.build();
            sparse.build();
            assertThat(dense.dense()).isTrue();
            assertThat(sparse.dense()).isFalse();
            String text = word(random, alphabet, random.nextInt(60));
            List<String> expected = new ArrayList<>();
            String foldedText = fold(text);
            for (String p : patterns) {
                String folded = fold(p);
                for (int at = foldedText.indexOf(folded); at >= 0; at = foldedText.indexOf(folded, at + 1)) expected.add(p);
            }
            List<String> fromDense = new ArrayList<>();
            dense.search(text, fromDense::add);
            List<String> fromSparse = new ArrayList<>();
            sparse.search(text, fromSparse::add);
            assertThat(fromDense).as("dense, patterns %s, text %s", patterns, text).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(fromSparse).as("sparse, patterns %s, text %s", patterns, text).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    /** {@link Character#toLowerCase(char)} per character, as the automaton compares (keeps the length). */
    private static String fold(String s) {
        char[] out = new char[s.length()];
        for (int i = 0; i < s.length(); i++) out[i] = Character.toLowerCase(s.charAt(i));
        return new String(out);
    }

    private static String word(Random random, String alphabet, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return s.toString();
    }

    @Test
    void regexLiteralsAreRequiredText() {
        assertThat(RegexLiterals.required("\\\\usbclass\\.sys")).contains(List.of("\\usbclass.sys"));
        assertThat(RegexLiterals.required("(?i)\\\\AppData\\\\Local\\\\Temp\\\\App[a-z0-9]{4}\\.tmp\\.exe"))
                .contains(List.of("\\AppData\\Local\\Temp\\App"));
        assertThat(RegexLiterals.required("abcd?ef")).contains(List.of("abc"));
        assertThat(RegexLiterals.required("evil\\.com|bad\\.org")).contains(List.of("evil.com", "bad.org"));
        assertThat(RegexLiterals.required("a|[0-9]+")).isEqualTo(Optional.empty());
        assertThat(RegexLiterals.required(".*")).isEqualTo(Optional.empty());
    }

    private static String word(Random random, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) s.append((char) ('a' + random.nextInt(3)));
        return s.toString();
    }
}
