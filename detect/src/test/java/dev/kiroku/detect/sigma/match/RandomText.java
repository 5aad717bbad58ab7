package dev.kiroku.detect.sigma.match;

import java.util.Random;

/** Random strings over a small alphabet, for the seeded property tests of the matchers. */
final class RandomText {
    private RandomText() {
    }

    /** A string of {@code min..max} characters, each drawn from {@code alphabet}. */
    static String of(Random r, String alphabet, int min, int max) {
        int n = min + r.nextInt(max - min + 1);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return b.toString();
    }
}
