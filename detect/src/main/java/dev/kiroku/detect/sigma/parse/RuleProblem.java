package dev.kiroku.detect.sigma.parse;

/** A reason to refuse a rule, at a 1-based line (0 when unknown). */
public final class RuleProblem extends Exception {
    private final int line;

    public RuleProblem(String message, int line) {
        super(message, null, false, false);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
