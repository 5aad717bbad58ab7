package dev.kiroku.detect.sigma.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiroku.detect.sigma.model.ValueTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The comparisons that fold a value char by char as they read it agree with lower-casing the whole value first
 * ({@link Values#lower}) and comparing plainly, on random texts and patterns with case variants, non-ASCII letters
 * (including ones that fold to ASCII: Kelvin sign, dotted capital I) and patterns cut from the texts. Seeded: the seed
 * is in every failure message.
 */
class ValuesFoldedTest {
    private static final String ALPHABET = "abkAB:K\\. 0\u00e4\u00c4\u03a3\u03c3\u0130i\u212a\u017f";

    @Test
    void text_comparisons_agree_with_lower_casing_first() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        for (int attempt = 0; attempt < 20_000; attempt++) {
            String text = RandomText.of(r, ALPHABET, 0, 12);
            String pattern = Values.lower(r.nextInt(3) == 0 ? cut(r, text) : RandomText.of(r, ALPHABET, 0, 4));
            for (ValueTest.TextOp op : ValueTest.TextOp.values()) {
                String lower = Values.lower(text);
                boolean expected = switch (op) {
                    case EQUALS -> lower.equals(pattern);
                    case STARTS_WITH -> lower.startsWith(pattern);
                    case ENDS_WITH -> lower.endsWith(pattern);
                    case CONTAINS -> lower.contains(pattern);
                };
                assertThat(Values.textFolded(op, text, pattern)).as("seed %d, %s '%s' '%s'", seed, op, text, pattern).isEqualTo(expected);
            }
        }
    }

    @Test
    void globs_agree_with_lower_casing_first() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        for (int attempt = 0; attempt < 20_000; attempt++) {
            String text = RandomText.of(r, ALPHABET, 0, 10);
            List<ValueTest.GlobToken> tokens = new ArrayList<>();
            for (int i = r.nextInt(5); i > 0; i--) {
                tokens.add(switch (r.nextInt(4)) {
                    case 0 -> new ValueTest.AnyChars();
                    case 1 -> new ValueTest.AnyChar();
                    default -> new ValueTest.Lit(Values.lower(r.nextBoolean() ? cut(r, text) : RandomText.of(r, ALPHABET, 1, 3)));
                });
            }
            Values.FlatGlob glob = Values.FlatGlob.of(tokens);
            assertThat(glob.matchesFolded(text)).as("seed %d, %s '%s'", seed, tokens, text).isEqualTo(glob.matches(Values.lower(text)));
        }
    }

    @Test
    void a_long_value_is_compared_at_its_ends_only() {
        String trace = "C:\\Windows\\SYSTEM32\\ntdll.dll+9fc24|C:\\Windows\\System32\\KERNELBASE.dll+2d4a1|UNKNOWN(00000000001C119B)";
        assertThat(Values.textFolded(ValueTest.TextOp.STARTS_WITH, trace, "c:\\windows\\system32\\ntdll.dll+")).isTrue();
        assertThat(Values.textFolded(ValueTest.TextOp.ENDS_WITH, trace, ")")).isTrue();
        assertThat(Values.textFolded(ValueTest.TextOp.EQUALS, trace, "ente")).isFalse();
        assertThat(Values.textFolded(ValueTest.TextOp.CONTAINS, trace, "|unknown(")).isTrue();
        assertThat(Values.textFolded(ValueTest.TextOp.EQUALS, "\u212aIWI", "kiwi")).isTrue();
    }


    private static String cut(Random r, String text) {
        if (text.isEmpty()) return text;
        int from = r.nextInt(text.length());
        return text.substring(from, from + r.nextInt(text.length() - from + 1));
    }
}
