package dev.kiroku.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One recorded fact about an endpoint: who recorded it (agent, host), when, its place in the
 * agent's monotonic sequence, and what happened ({@link Payload}).
 *
 * @param agentId    the recording agent
 * @param sequence   the agent's monotonic event number; 0 until the journal assigns it
 * @param timestamp  when it happened on the endpoint (kernel time where the kernel reports it)
 * @param hostName   the endpoint's host name
 * @param incomplete what the sensor could not learn (see {@link Incomplete}), empty when complete
 * @param payload    what happened
 */
public record Event(String agentId, long sequence, Instant timestamp, String hostName,
                    List<Incomplete> incomplete, Payload payload) {

    public Event {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(payload, "payload");
        hostName = hostName == null ? "" : hostName;
        incomplete = incomplete == null ? List.of() : List.copyOf(incomplete);
    }

    public static Event of(String agentId, Instant timestamp, String hostName, Payload payload) {
        return new Event(agentId, 0, timestamp, hostName, List.of(), payload);
    }

    public Event withSequence(long newSequence) {
        return new Event(agentId, newSequence, timestamp, hostName, incomplete, payload);
    }

    public Event withIncomplete(List<Incomplete> flags) {
        return new Event(agentId, sequence, timestamp, hostName, flags, payload);
    }

    /** The event as a flat map of Elastic Common Schema field names (dotted) to values. */
    public Map<String, Object> toEcs() {
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        writeEcs(fields::put);
        return fields;
    }

    /** Hands every ECS field of the event to a receiver, as {@link #toEcs()} would list them. */
    public void writeEcs(EcsFields receiver) {
        EcsWriter.write(this, receiver);
    }
}
