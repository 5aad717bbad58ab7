package dev.kiroku.indicators.match;

import dev.kiroku.event.Event;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.expr.EventView;

import java.time.Instant;

/**
 * An event that matched an indicator: an alert like a rule hit, naming the indicator and its source.
 *
 * @param indicator     the indicator (its {@code source()} says where it came from)
 * @param event         the event (for multi-event STIX patterns: the event that completed the pattern)
 * @param retrospective true when found by a retro-hunt over stored history rather than live
 */
public record IndicatorHit(Indicator indicator, Event event, boolean retrospective) {

    /** The endpoint's agent. */
    public String agentId() {
        return event.agentId();
    }

    public String hostName() {
        return event.hostName();
    }

    public Instant timestamp() {
        return event.timestamp();
    }

    /** The process the event belongs to, or null (loss reports, inventory sockets). */
    public String processEntityId() {
        return EventView.of(event).first("process.entity_id");
    }
}
