package dev.kiroku.fleet.server;

import dev.kiroku.fleet.state.StateStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Each agent's delivery counters (events stored, highest sequence stored, last seen), added up in memory per stored
 * batch and written to the state store every {@link #EVERY} in one transaction. Writing them per batch was an update
 * on the state database's single connection for every call of every agent (500 a second for 500 agents), which also
 * made the calls wait for each other. The counters are for display (endpoint list, lag): they trail by at most
 * {@link #EVERY}, and a crash loses at most that much of them; delivery itself (the store and the acknowledgement)
 * does not depend on them. Thread-safe.
 */
final class DeliveryCounters implements AutoCloseable {
    static final Duration EVERY = Duration.ofSeconds(1);

    private final StateStore state;
    private final ConcurrentHashMap<String, StateStore.Deliveries> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("kiroku-delivery-counters").daemon().factory());

    DeliveryCounters(StateStore state) {
        this.state = state;
        writer.scheduleWithFixedDelay(this::writeQuietly, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Counts one stored batch of an agent. */
    void add(String agentId, long events, long highestSequence, Instant now) {
        pending.merge(agentId, new StateStore.Deliveries(agentId, events, highestSequence, now), (a, b) ->
                new StateStore.Deliveries(agentId, a.events() + b.events(), Math.max(a.highestSequence(), b.highestSequence()),
                        a.lastSeen().isAfter(b.lastSeen()) ? a.lastSeen() : b.lastSeen()));
    }

    /** Writes what was counted since the last write; what cannot be written is counted again for the next one. */
    void write() {
        List<StateStore.Deliveries> taken = new ArrayList<>();
        for (String agentId : pending.keySet()) {
            StateStore.Deliveries d = pending.remove(agentId);
            if (d != null) taken.add(d);
        }
        try {
            state.delivered(taken);
        } catch (RuntimeException e) {
            for (StateStore.Deliveries d : taken) add(d.agentId(), d.events(), d.highestSequence(), d.lastSeen());
            throw e;
        }
    }

    private void writeQuietly() {
        try {
            write();
        } catch (RuntimeException e) {
            System.err.println("kiroku fleet: writing delivery counters: " + e.getMessage());
        }
    }

    /** Stops the timer and writes what is left. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeQuietly();
    }
}
