package dev.kiroku.sandbox;

/** How dangerous a sample looks, from the score: {@link #HIGH} feeds the block list, {@link #MEDIUM} raises an alert. */
public enum Verdict {
    NONE, LOW, MEDIUM, HIGH;

    /** Score thresholds: 70 and above is high, 40 medium, 15 low. */
    public static Verdict ofScore(int score) {
        if (score >= 70) return HIGH;
        if (score >= 40) return MEDIUM;
        if (score >= 15) return LOW;
        return NONE;
    }

    public String label() {
        return name().toLowerCase();
    }
}
