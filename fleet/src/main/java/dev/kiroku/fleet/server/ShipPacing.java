package dev.kiroku.fleet.server;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long agents should gather events between partial batches, so that the server's calls per second stay
 * near {@link #CALLS_PER_SECOND} however many agents ship: the server's cost per call (HTTP/2 stream, TLS
 * records, the call's bookkeeping, a share of an fsync) is paid once for a whole batch, so 500 agents that
 * each ship every 5 s cost the server as many calls as 100 that ship every second. The answer depends on
 * the number of agents that shipped in the last {@link #ACTIVE_WINDOW}, not on the call rate, so it does
 * not swing with the agents' own reaction to it. Never below {@link #MIN_GATHER} (the agents' default) nor
 * above {@link #MAX_GATHER} (it adds to the time before an event is searchable).
 */
final class ShipPacing {
    /**
     * 100: at 500 agents × 20 events/s, 100 events a call; a call cost the server's gRPC and TLS ≈ 1.7 ms of CPU on this
     * machine (docs/performance.md, fleet, sessions 7 and 8), so 200 calls a second of 50 events were a third of a core.
     */
    static final int CALLS_PER_SECOND = 100;
    static final Duration MIN_GATHER = Duration.ofSeconds(1);
    /** The agents' own bound (the shipper's longest linger). */
    static final Duration MAX_GATHER = Duration.ofSeconds(5);
    static final Duration ACTIVE_WINDOW = Duration.ofSeconds(10);

    private final Map<String, Long> lastShipNanos = new ConcurrentHashMap<>();
    private final AtomicLong countedAt = new AtomicLong(System.nanoTime() - ACTIVE_WINDOW.toNanos());
    private volatile int active;

    /** Notes that {@code agentId} shipped now and returns how long it should gather before its next partial batch. */
    Duration shipped(String agentId, long nowNanos) {
        if (lastShipNanos.put(agentId, nowNanos) == null) active = lastShipNanos.size(); // stale agents leave at the next recount
        long counted = countedAt.get();
        if (nowNanos - counted >= 1_000_000_000L && countedAt.compareAndSet(counted, nowNanos)) recount(nowNanos);
        return gatherFor(active);
    }

    /** The gathering time for this many agents shipping. */
    static Duration gatherFor(int agents) {
        long millis = agents * 1000L / CALLS_PER_SECOND;
        return Duration.ofMillis(Math.clamp(millis, MIN_GATHER.toMillis(), MAX_GATHER.toMillis()));
    }

    private void recount(long nowNanos) {
        lastShipNanos.values().removeIf(at -> nowNanos - at > ACTIVE_WINDOW.toNanos());
        active = lastShipNanos.size();
    }

    int activeAgents() {
        return active;
    }
}
