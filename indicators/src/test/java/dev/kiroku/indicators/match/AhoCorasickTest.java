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
