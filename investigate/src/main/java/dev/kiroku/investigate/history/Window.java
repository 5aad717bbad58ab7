package dev.kiroku.investigate.history;

import java.time.Duration;
import java.time.Instant;

/**
 * A time window of the record; a null bound is open (the whole retention window on that side).
 *
 * @param from inclusive, or null
 * @param to   exclusive, or null
 */
public record Window(Instant from, Instant to) {
    public static final Window ALL = new Window(null, null);

    public Window {
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("the time window is empty: from " + from + " is not before to " + to);
        }
    }

    public static Window around(Instant center, Duration before, Duration after) {
        return new Window(center.minus(before), center.plus(after));
    }

    /** Refuses a bounded window longer than {@code max}, naming both. */
    public Window requireAtMost(Duration max) {
        if (from != null && to != null && Duration.between(from, to).compareTo(max) > 0) {
            throw new IllegalArgumentException("the time window " + from + " .. " + to + " spans "
                    + Duration.between(from, to).toDays() + " days, more than the " + max.toDays()
                    + " days an investigation may cover; narrow 'from'/'to'");
        }
        return this;
    }

    public boolean unbounded() {
        return from == null && to == null;
    }

    /** "in the retention window" or "between A and B". */
    public String describe() {
        if (unbounded()) return "in the retention window";
        if (from == null) return "before " + to;
        if (to == null) return "since " + from;
        return "between " + from + " and " + to;
    }

    /** The overlap of two windows. */
    public Window intersect(Window other) {
        Instant f = from == null ? other.from : other.from == null ? from : (from.isAfter(other.from) ? from : other.from);
        Instant t = to == null ? other.to : other.to == null ? to : (to.isBefore(other.to) ? to : other.to);
        if (f != null && t != null && !f.isBefore(t)) t = f.plusNanos(1);
        return new Window(f, t);
    }
}
