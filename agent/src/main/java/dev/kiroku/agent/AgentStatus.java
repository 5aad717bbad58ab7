package dev.kiroku.agent;

import dev.kiroku.agent.journal.JournalStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What `kiroku agent status` shows: each sensor and its mode, loss counters per source, the
 * journal, and shipping.
 */
public record AgentStatus(String agentId, String hostName, Instant startedAt, Instant updatedAt,
                          List<Sensor> sensors, Map<String, Long> losses, long eventsRecorded, int queueDepth,
                          int processesKnown, JournalStatus journal, Shipping shipping) {

    /**
     * @param name   audit, proc_connector, fanotify, socket_inventory
     * @param state  running, failed, disabled
     * @param mode   how it runs (audit: daemon or multicast)
     * @param detail counters or why it failed
     */
    public record Sensor(String name, String state, String mode, String detail) {
    }

    /** Delivery to the server. */
    public record Shipping(long shipped, long failures, String lastError, Instant failingSince) {
    }
}
