package dev.kiroku.indicators;

/**
 * Something in an input that was skipped or refused, and why.
 *
 * @param file   the input file or feed
 * @param line   1-based line, 0 when not line-related
 * @param reason what is wrong
 */
public record ImportProblem(String file, int line, String reason) {
    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + reason;
    }
}
