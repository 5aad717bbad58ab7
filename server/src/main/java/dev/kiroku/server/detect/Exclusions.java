package dev.kiroku.server.detect;

import dev.kiroku.server.alerts.Alert;
import dev.kiroku.server.alerts.AlertQuery;
import dev.kiroku.server.alerts.AlertStore;
import dev.kiroku.server.alerts.Exclusion;

import java.util.List;
import java.util.Map;

/** The alert exceptions in force (kept in memory, persisted in the {@link AlertStore}) and their evaluation. */
public final class Exclusions {
    private final AlertStore store;
    private final AncestorFields ancestors;
    private volatile List<Exclusion> active;

    Exclusions(AlertStore store, AncestorFields ancestors) {
        this.store = store;
        this.ancestors = ancestors;
        this.active = store.exclusions();
    }

    public List<Exclusion> list() {
        return active;
    }

    public synchronized Exclusion add(Exclusion exclusion) {
        Exclusion stored = store.addExclusion(exclusion);
        active = store.exclusions();
        return stored;
    }

    /** @return false when there was no such exception */
    public synchronized boolean delete(long id) {
        boolean deleted = store.deleteExclusion(id);
        active = store.exclusions();
        return deleted;
    }

    /** The first exception in force that covers this rule's match on the event, or null. */
    Exclusion covering(String ruleId, Map<String, Object> event) {
        for (Exclusion e : active) {
            if (e.appliesTo(ruleId) && e.matches(field -> ancestors.get(event, field))) return e;
        }
        return null;
    }

    /** How many of the newest {@code limit} stored alerts the exception would have suppressed (any kept event matches). */
    public Preview preview(Exclusion candidate, int limit) {
        List<Alert> alerts = store.search(AlertQuery.all(limit));
        long hits = 0;
        for (Alert a : alerts) {
            if (!candidate.appliesTo(a.rule().id())) continue;
            for (Map<String, Object> event : a.events()) {
                if (candidate.matches(field -> ancestors.get(event, field))) {
                    hits++;
                    break;
                }
            }
        }
        return new Preview(hits, alerts.size());
    }

    /** @param wouldSuppress alerts whose events the exception matches; @param checked alerts looked at */
    public record Preview(long wouldSuppress, long checked) {
    }
}
