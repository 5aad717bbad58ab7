package dev.kiroku.server.detect;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.kiroku.server.alerts.Alert;
import dev.kiroku.server.alerts.AlertStore;
import dev.kiroku.server.alerts.Occurrence;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns occurrences into alerts: drops those an exception covers, counts those within the suppression window of an
 * alert with the same key (rule, endpoint, process or correlation group) into it, opens an alert for the rest.
 */
final class Alerting {
    private final AlertStore store;
    private final Exclusions exclusions;
    private final Duration window;
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();
    private final AtomicLong excluded = new AtomicLong();
    private final List<Consumer<Alert>> openedListeners = new CopyOnWriteArrayList<>();

    Alerting(AlertStore store, Exclusions exclusions, Duration window) {
        if (window.isNegative()) throw new IllegalArgumentException("suppression window must not be negative: " + window);
        this.store = store;
        this.exclusions = exclusions;
        this.window = window;
    }

    /** @return the alert opened or counted into; empty when an exception covers the occurrence */
    synchronized Optional<Alert> raise(Occurrence o) {
        if (o.event() != null && exclusions.covering(o.rule().id(), o.event()) != null) {
            excluded.incrementAndGet();
            return Optional.empty();
        }
        Optional<Alert> latest = store.latest(o.key());
        if (latest.isPresent() && Duration.between(latest.get().firstSeen(), o.time()).abs().compareTo(window) < 0) {
            suppressed.incrementAndGet();
            return Optional.of(store.addOccurrence(latest.get().id(), o));
        }
        opened.incrementAndGet();
        Alert alert = store.open(o);
        for (Consumer<Alert> listener : openedListeners) {
            try {
                listener.accept(alert);
            } catch (RuntimeException e) {
                System.err.println("kiroku detection: a listener of new alerts failed on alert " + alert.id() + ": " + e);
            }
        }
        return Optional.of(alert);
    }

    /** Tells a listener about every alert opened from now on (not about occurrences counted into one). */
    void onOpened(Consumer<Alert> listener) {
        openedListeners.add(listener);
    }

    long opened() {
        return opened.get();
    }

    long suppressed() {
        return suppressed.get();
    }

    long excluded() {
        return excluded.get();
    }
}
