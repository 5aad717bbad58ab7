package dev.kiroku.indicators.hunt;

import java.util.ArrayList;
import java.util.List;

/**
 * A query in the store's query language as an indicator translates: every event ({@link #everything}),
 * no event ({@link #nothing}), or a query text. The text selects a superset of the events the
 * indicator matches; the hunt re-checks each event found against the indicator itself.
 *
 * <p>A text query keeps its top-level alternatives ({@link #anyOf}): a disjunction may be run as several
 * smaller store queries whose results are joined, so an OpenIOC file with hundreds of hashes never exceeds
 * the store's clause limit.
 *
 * @param anyOf the top-level alternatives of the text (the text itself when it is not a disjunction)
 */
record StoreQuery(Kind kind, String text, List<String> anyOf) {
    enum Kind { EVERYTHING, NOTHING, TEXT }

    static final StoreQuery EVERYTHING = new StoreQuery(Kind.EVERYTHING, "*", List.of("*"));
    static final StoreQuery NOTHING = new StoreQuery(Kind.NOTHING, "", List.of());

    StoreQuery {
        anyOf = List.copyOf(anyOf);
    }

    static StoreQuery everything() {
        return EVERYTHING;
    }

    static StoreQuery nothing() {
        return NOTHING;
    }

    static StoreQuery text(String text) {
        return new StoreQuery(Kind.TEXT, text, List.of(text));
    }

    /** Either part; nested disjunctions are flattened into one list of alternatives, duplicates dropped. */
    static StoreQuery or(List<StoreQuery> parts) {
        java.util.LinkedHashSet<String> texts = new java.util.LinkedHashSet<>();
        for (StoreQuery p : parts) {
            if (p.kind == Kind.EVERYTHING) return EVERYTHING;
            if (p.kind == Kind.TEXT) texts.addAll(p.anyOf);
        }
        if (texts.isEmpty()) return NOTHING;
        if (texts.size() == 1) return text(texts.getFirst());
        return new StoreQuery(Kind.TEXT, "(" + String.join(" OR ", texts) + ")", new ArrayList<>(texts));
    }

    /**
     * The alternatives packed into as few query texts as keep each under {@code maxTerms} field terms (an
     * alternative larger than that on its own stays whole).
     */
    List<String> chunks(int maxTerms) {
        if (kind != Kind.TEXT || anyOf.size() == 1) return List.of(text);
        List<String> out = new ArrayList<>();
        List<String> current = new ArrayList<>();
        int terms = 0;
        for (String alternative : anyOf) {
            int t = terms(alternative);
            if (!current.isEmpty() && terms + t > maxTerms) {
                out.add(joined(current));
                current = new ArrayList<>();
                terms = 0;
            }
            current.add(alternative);
            terms += t;
        }
        if (!current.isEmpty()) out.add(joined(current));
        return out;
    }

    private static String joined(List<String> alternatives) {
        return alternatives.size() == 1 ? alternatives.getFirst() : "(" + String.join(" OR ", alternatives) + ")";
    }

    /** Field terms in a query text: its {@code field:} prefixes outside quotes (an upper bound of Lucene clauses). */
    static int terms(String text) {
        int n = 0;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ':' && !quoted) {
                n++;
            }
        }
        return Math.max(1, n);
    }

    static StoreQuery and(List<StoreQuery> parts) {
        List<String> texts = new ArrayList<>();
        for (StoreQuery p : parts) {
            if (p.kind == Kind.NOTHING) return NOTHING;
            if (p.kind == Kind.TEXT) texts.add(p.text);
        }
        if (texts.isEmpty()) return EVERYTHING;
        return texts.size() == 1 ? text(texts.getFirst()) : text("(" + String.join(" AND ", texts) + ")");
    }
}
