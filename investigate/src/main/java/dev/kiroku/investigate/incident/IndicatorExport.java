package dev.kiroku.investigate.incident;

import java.time.Instant;
import java.util.List;

/** Everything an incident teaches the indicator store, in one call: {@code source} names the incident. */
public record IndicatorExport(long incidentId, String source, Instant generated, List<Indicator> indicators) {
    public IndicatorExport {
        indicators = List.copyOf(indicators);
    }
}
