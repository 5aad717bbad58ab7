package dev.kiroku.sandbox.statics;

/** Shannon entropy in bits per byte (0 = constant, 8 = random; packed or encrypted data is above ~7.2). */
public final class Entropy {
    /** Above this, a section or file looks compressed or encrypted. */
    public static final double PACKED = 7.2;

    private Entropy() {
    }

    public static double of(byte[] data, int offset, int length) {
        if (length <= 0) return 0;
        long[] counts = new long[256];
        for (int i = offset; i < offset + length; i++) counts[data[i] & 0xFF]++;
        double entropy = 0;
        for (long count : counts) {
            if (count == 0) continue;
            double p = (double) count / length;
            entropy -= p * (Math.log(p) / Math.log(2));
        }
        return Math.round(entropy * 1000) / 1000.0;
    }

    public static double of(byte[] data) {
        return of(data, 0, data.length);
    }
}
