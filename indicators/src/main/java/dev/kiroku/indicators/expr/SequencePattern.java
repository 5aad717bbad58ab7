package dev.kiroku.indicators.expr;

import java.time.Instant;
import java.util.List;

/**
 * An indicator that relates several events of one endpoint (STIX observation operators). The live
 * matcher keeps one {@link State} per endpoint and feeds it the events that satisfy any observation.
 */
public interface SequencePattern {

    /** The single-event conditions whose events take part (the leaves). */
    List<Condition> observations();

    /** Whether some stream of events can complete it (false when a needed observation is not evaluable). */
    boolean mayComplete();

    /** A fresh evaluator for one endpoint's event stream. */
    State start();

    /** Evaluation state for one endpoint; not thread-safe. */
    interface State {
        /**
         * Feeds an event (in time order per endpoint) with the indexes of the observations it satisfies.
         *
         * @return true when the pattern is complete with this event
         */
        boolean accept(EventView event, Instant time, List<Integer> satisfied);
    }
}
