package dev.kiroku.indicators.hunt;

import java.util.ArrayList;
import java.util.List;

/**
 * A query in the store's query language as an indicator translates: every event ({@link #everything}),
 * no event ({@link #nothing}), or a query text. The text selects a superset of the events the
 * indicator matches; the hunt re-checks each event found against the indicator itself.
 */
record StoreQuery(Kind kind, String text) {
    enum Kind { EVERYTHING, NOTHING, TEXT }

    static final StoreQuery EVERYTHING = new StoreQuery(Kind.EVERYTHING, "*");
    static final StoreQuery NOTHING = new StoreQuery(Kind.NOTHING, "");

    static StoreQuery everything() {
        return EVERYTHING;
    }

    static StoreQuery nothing() {
        return NOTHING;
    }

    static StoreQuery text(String text) {
        return new StoreQuery(Kind.TEXT, text);
    }

    static StoreQuery or(List<StoreQuery> parts) {
        List<String> texts = new ArrayList<>();
        for (StoreQuery p : parts) {
            if (p.kind == Kind.EVERYTHING) return EVERYTHING;
            if (p.kind == Kind.TEXT && !texts.contains(p.text)) texts.add(p.text);
        }
        if (texts.isEmpty()) return NOTHING;
        return texts.size() == 1 ? text(texts.getFirst()) : text("(" + String.join(" OR ", texts) + ")");
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
