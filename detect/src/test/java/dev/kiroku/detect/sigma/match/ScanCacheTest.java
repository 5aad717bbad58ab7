package dev.kiroku.detect.sigma.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A remembered scan answers exactly what a fresh scan of the same text finds: texts drawn with repeats from a pool
 * far larger than the cache (so slots are overwritten by colliding texts), equal texts as distinct objects, each
 * pattern remembered once. Seeded: the seed is in every failure message.
 */
class ScanCacheTest {
    private static final String ALPHABET = "abcAB-\\. \u00e4\u00c4";

    @Test
    void remembered_patterns_are_those_a_fresh_scan_finds() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        for (int attempt = 0; attempt < 20; attempt++) {
            List<String> patterns = new ArrayList<>();
            for (int i = 0; i < 30; i++) patterns.add(Values.lower(RandomText.of(r, ALPHABET, 1, 4)));
            AhoCorasick automaton = new AhoCorasick(patterns);
            List<String> pool = new ArrayList<>();
            for (int i = 0; i < 5000; i++) pool.add(RandomText.of(r, ALPHABET, ScanCache.MIN_LENGTH, 40));
            ScanCache cache = new ScanCache();
            int replayed = 0;
            for (int t = 0; t < 20_000; t++) {
                String text = new String(pool.get(r.nextInt(r.nextBoolean() ? 50 : pool.size())).toCharArray());
                Set<Integer> fresh = new TreeSet<>();
                automaton.scan(text.toCharArray(), text.length(), fresh::add);
                int[] known = cache.lookup(text);
                if (known != null) {
                    replayed++;
                    assertThat(known).as("seed %d, text '%s'", seed, text).doesNotHaveDuplicates();
                    Set<Integer> remembered = Arrays.stream(known).boxed().collect(Collectors.toCollection(TreeSet::new));
                    assertThat(remembered).as("seed %d, text '%s'", seed, text).isEqualTo(fresh);
                } else {
                    cache.start();
                    automaton.scan(text.toCharArray(), text.length(), cache::record);
                    cache.remember(text);
                }
            }
            assertThat(replayed).as("seed %d: repeated texts are answered from the cache", seed).isGreaterThan(5_000);
        }
    }

}
