package dev.kiroku.agent;

import dev.kiroku.agent.journal.JournalStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What `kiroku agent status` shows: each sensor and its mode, loss counters per source, the
 * journal, shipping and the policy in force.
 */
public record AgentStatus(String agentId, String hostName, Instant startedAt, Instant updatedAt,
                          List<Sensor> sensors, Map<String, Long> losses, long eventsRecorded, int queueDepth,
                          int processesKnown, JournalStatus journal, Shipping shipping, Policy policy) {

    /**
     * @param name   audit, proc_connector, fanotify, socket_inventory
     * @param state  running, failed, disabled
     * @param mode   how it runs (audit: daemon or multicast)
     * @param detail counters or why it failed
     */
    public record Sensor(String name, String state, String mode, String detail) {
    }

    /**
     * The policy the agent runs.
     *
     * @param version  0 for the built-in default
     * @param muted    sensors whose observations are discarded
     * @param excluded events not recorded because of exclusions, since start
     * @param discarded observations of muted sensors discarded, since start
     */
    public record Policy(long version, java.util.Set<String> muted, long excluded, long discarded) {
    }

    /** Delivery to the server. */
    public record Shipping(long shipped, long failures, String lastError, Instant failingSince) {
    }
}
