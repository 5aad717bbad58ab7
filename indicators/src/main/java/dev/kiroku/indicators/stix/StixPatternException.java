package dev.kiroku.indicators.stix;

/** A STIX pattern Kiroku refuses: a syntax error or a construct it cannot evaluate, with the 0-based position. */
public final class StixPatternException extends Exception {
    private final int position;
    private final String problem;

    public StixPatternException(int position, String problem) {
        super("at position " + position + ": " + problem);
        this.position = position;
        this.problem = problem;
    }

    public int position() {
        return position;
    }

    public String problem() {
        return problem;
    }
}
