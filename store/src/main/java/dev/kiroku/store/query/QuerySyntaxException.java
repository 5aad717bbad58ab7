package dev.kiroku.store.query;

/**
 * A query that cannot be run: the message names the position (0-based character offset), what was
 * expected there and what was found, followed by the query with a caret under the position.
 */
public final class QuerySyntaxException extends IllegalArgumentException {
    private final String query;
    private final int position;
    private final String problem;

    public QuerySyntaxException(String query, int position, String problem) {
        super(format(query, position, problem));
        this.query = query;
        this.position = position;
        this.problem = problem;
    }

    private static String format(String query, int position, String problem) {
        return "at position " + position + ": " + problem + "\n  " + query + "\n  " + " ".repeat(Math.max(0, position)) + "^";
    }

    public String query() {
        return query;
    }

    /** 0-based offset of the problem in {@link #query()}; equal to its length at the end of the query. */
    public int position() {
        return position;
    }

    /** What is wrong, without the position and caret. */
    public String problem() {
        return problem;
    }
}
