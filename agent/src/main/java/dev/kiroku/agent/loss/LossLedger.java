package dev.kiroku.agent.loss;

import dev.kiroku.event.LossReport;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The agent's loss accounting: each source registers a counter of what it lost; {@link #report}
 * turns every increase since the previous report into a {@link LossReport} for that interval, so
 * the store can show "this endpoint lost N events between T1 and T2".
 */
public final class LossLedger {
    private record Counter(LongSupplier value, String reason) {
    }

    private final Map<String, Counter> counters = new LinkedHashMap<>();
    private final Map<String, Long> reported = new LinkedHashMap<>();
    private Instant since;

    public LossLedger(Instant start) {
        this.since = start;
    }

    /** Registers a source's loss counter; a name registered twice is a programming error. */
    public synchronized void register(String source, String reason, LongSupplier lost) {
        if (counters.putIfAbsent(source, new Counter(lost, reason)) != null) {
            throw new IllegalStateException("loss source registered twice: " + source);
        }
        reported.put(source, lost.getAsLong());
    }

    /** Current totals per source, for status displays. */
    public synchronized Map<String, Long> totals() {
        Map<String, Long> totals = new LinkedHashMap<>();
        counters.forEach((name, counter) -> totals.put(name, counter.value().getAsLong()));
        return totals;
    }

    /** Loss reports for every source whose counter grew since the last call. */
    public synchronized List<LossReport> report(Instant now) {
        List<LossReport> reports = new ArrayList<>();
        counters.forEach((name, counter) -> {
            long value = counter.value().getAsLong();
            long previous = reported.getOrDefault(name, 0L);
            if (value > previous) reports.add(new LossReport(name, value - previous, since, now, counter.reason()));
            reported.put(name, value);
        });
        since = now;
        return reports;
    }
}
