package dev.kiroku.detect.sigma.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The name table answers as a HashMap does, for present names (as the same or as equal but distinct strings),
 * absent names and names with equal hash codes. Seeded: the seed is in every failure message.
 */
class NameTableTest {
    @Test
    void answers_as_a_hash_map_does() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        for (int attempt = 0; attempt < 200; attempt++) {
            Map<String, Integer> map = new HashMap<>();
            int n = r.nextInt(60);
            for (int i = 0; i < n; i++) map.put(name(r), i);
            if (r.nextBoolean()) {
                map.put("Aa", -1); // "Aa" and "BB" share a hash code
                map.put("BB", -2);
            }
            NameTable<Integer> table = new NameTable<>(map);
            for (int t = 0; t < 200; t++) {
                String name = r.nextBoolean() && !map.isEmpty()
                        ? new String(map.keySet().stream().skip(r.nextInt(map.size())).findFirst().orElseThrow().toCharArray())
                        : name(r);
                assertThat(table.get(name)).as("seed %d, attempt %d, name %s", seed, attempt, name).isEqualTo(map.get(name));
            }
            assertThat(table.get("Aa")).as("seed %d", seed).isEqualTo(map.get("Aa"));
            assertThat(table.get("BB")).as("seed %d", seed).isEqualTo(map.get("BB"));
        }
    }

    private static String name(Random r) {
        StringBuilder b = new StringBuilder();
        for (int i = 0, n = 1 + r.nextInt(12); i < n; i++) b.append("abcAB._-".charAt(r.nextInt(8)));
        return b.toString();
    }
}
