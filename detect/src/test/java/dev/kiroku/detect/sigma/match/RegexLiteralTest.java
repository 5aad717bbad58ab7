package dev.kiroku.detect.sigma.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

/**
 * The literal checked before a regex runs never rejects a value the regex finds a match in: random patterns built
 * from literals, escapes, classes, groups, quantifiers, alternations and flags, against random texts built from the
 * same pieces (so that many of them match). Seeded: the seed is in every failure message.
 */
class RegexLiteralTest {
    private static final List<String> ATOMS = List.of("a", "b", "A", "cmd", "set", "\\.", "\\\\", "\\d", "\\s", "\\w", "\\b", ".", "[a-c]",
            "[^a]", "[]a]", "(?:ab|c)", "(ab)", "(?i)", "(?-i)", "(?i:ab)", "\\x41", "\\u0062", "\\1", "\\Qa|b\\E", "^", "$", "|", "/c", "&&",
            "{", "\u00e4", "\u212a", "x{2}", "(?=ab)", "(?<n>a)", "\\k<n>", "\\p{L}", "\\012");
    private static final List<String> QUANTIFIERS = List.of("", "", "", "?", "*", "+", "{0,3}", "{1,2}", "{2}", "??", "*?", "++", "{1,}");
    private static final List<String> TEXT_PIECES = List.of("a", "b", "A", "B", "cmd", "CMD", "set", "SET", ".", "\\", "1", " ", "/c", "&&",
            "ab", "c", "x", "xx", "\u00e4", "\u00c4", "\u212a", "k", "K", "{", "|");

    @Test
    void a_value_the_regex_matches_holds_the_literal() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        int checked = 0;
        int withLiteral = 0;
        int matched = 0;
        while (checked < 3_000) {
            StringBuilder source = new StringBuilder();
            for (int i = 1 + r.nextInt(6); i > 0; i--) source.append(ATOMS.get(r.nextInt(ATOMS.size()))).append(QUANTIFIERS.get(r.nextInt(QUANTIFIERS.size())));
            Pattern pattern;
            try {
                pattern = Pattern.compile(source.toString(), r.nextInt(4) == 0 ? Pattern.CASE_INSENSITIVE : 0);
            } catch (PatternSyntaxException e) {
                continue;
            }
            checked++;
            RegexLiteral literal = RegexLiteral.of(pattern);
            if (literal == null) continue;
            withLiteral++;
            for (int t = 0; t < 40; t++) {
                String text = text(r);
                if (pattern.matcher(text).find()) {
                    matched++;
                    assertThat(literal.occursIn(text)).as("seed %d, pattern /%s/ flags %d, literal %s, text '%s'", seed, pattern, pattern.flags(), literal, text).isTrue();
                }
            }
        }
        assertThat(withLiteral).as("seed %d: patterns with a literal", seed).isGreaterThan(100);
        assertThat(matched).as("seed %d: matching texts checked", seed).isGreaterThan(200);
    }

    @Test
    void finds_the_longest_required_run() {
        assertThat(of("cmd.{0,5}(?:/c|/r)(?:\\s|)\"set\\s[a-zA-Z]{3,6}")).isEqualTo(new RegexLiteral("\"set", false));
        assertThat(of("(?i)echo.*clip.*&&.*(Clipboard|i`?n`?v`?o`?k`?e`?)")).isEqualTo(new RegexLiteral("echo", true));
        assertThat(of("\\\\mimilib\\.dll$")).isEqualTo(new RegexLiteral("\\mimilib.dll", false));
        assertThat(of("abcd?e")).isEqualTo(new RegexLiteral("abc", false));
        assertThat(of("ab+cdef")).isEqualTo(new RegexLiteral("cdef", false));
        assertThat(of("powershell|pwsh")).isNull();
        assertThat(of("ab(?i)cdef")).isNull();
        assertThat(of("[a-z]+\\d{2}")).isNull();
    }

    @Test
    void a_case_insensitive_literal_is_found_in_any_case() {
        RegexLiteral literal = of("(?i)invoke-mimikatz");
        assertThat(literal.occursIn("x INVOKE-MimiKatz")).isTrue();
        assertThat(literal.occursIn("invoke mimikatz")).isFalse();
        assertThat(RegexLiteral.of(Pattern.compile("abc", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE))).isNull();
    }

    private static RegexLiteral of(String regex) {
        return RegexLiteral.of(Pattern.compile(regex));
    }

    private static String text(Random r) {
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(10); i > 0; i--) b.append(TEXT_PIECES.get(r.nextInt(TEXT_PIECES.size())));
        return b.toString();
    }
}
