package dev.kiroku.sandbox;

/**
 * One reason behind a verdict.
 *
 * @param code     stable identifier ("static.packer.upx", "dynamic.network.connect")
 * @param weight   points it adds to the score (0 for informational lines such as bad input)
 * @param summary  what was found, in words
 * @param evidence where: a section, offset, archive member, process, file path or connection
 */
public record Reason(String code, int weight, String summary, String evidence) {
    public Reason {
        if (weight < 0) throw new IllegalArgumentException("weight must not be negative: " + weight);
    }

    /** A report line without weight: something the analyst should know (bad input, skipped step). */
    public static Reason note(String code, String summary, String evidence) {
        return new Reason(code, 0, summary, evidence);
    }
}
