package dev.kiroku.store.lucene;

import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8Test {
    /** Characters from every UTF-8 length, '?', and lone and paired surrogates (where the JDK's and Lucene's encoders differ). */
    private static final char[] ALPHABET = {'a', 'Z', '0', '/', '-', ' ', '?', '\u001f', '\u00e9', '\u00ff', '\u0394', '\u65e5',
            '\uffff', '\ud83d', '\ude00', '\udbff', '\udfff', '\u0000'};

    @Test
    void bytes_are_those_lucene_makes_of_the_string_for_random_strings() {
        Random random = new Random(20261127);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(40);
            for (int c = 0; c < length; c++) s.append(ALPHABET[random.nextInt(ALPHABET.length)]);
            String text = s.toString();
            assertThat(Utf8.bytes(text)).as(text).isEqualTo(new BytesRef(text));
        }
    }

    @Test
    void an_unpaired_surrogate_becomes_the_replacement_character_as_in_lucene() {
        assertThat(Utf8.bytes("a\ud83db").utf8ToString()).isEqualTo("a\ufffdb");
        assertThat(Utf8.bytes("/usr/bin/curl").utf8ToString()).isEqualTo("/usr/bin/curl");
    }
}
