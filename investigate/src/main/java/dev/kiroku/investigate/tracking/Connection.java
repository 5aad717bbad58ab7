package dev.kiroku.investigate.tracking;

import dev.kiroku.event.Event;
import dev.kiroku.event.NetworkActivity;

import java.time.Instant;

/**
 * A connection a process made or accepted.
 *
 * @param remoteAddress the other side (for connect: where to; for accept: where from)
 * @param remotePort    the other side's port
 */
public record Connection(String agentId, String hostName, String processEntityId, Instant time, String action,
                         String remoteAddress, int remotePort, boolean success) {

    /** The connection an event records, or null when the event is not a connect or accept. */
    public static Connection of(Event event) {
        if (!(event.payload() instanceof NetworkActivity n)) return null;
        if (n.action() != NetworkActivity.Action.CONNECT && n.action() != NetworkActivity.Action.ACCEPT
                && n.action() != NetworkActivity.Action.ESTABLISHED_SOCKET) {
            return null;
        }
        return new Connection(event.agentId(), event.hostName(), n.process() == null ? null : n.process().entityId(),
                event.timestamp(), n.action().name().toLowerCase(java.util.Locale.ROOT), n.destinationIp(), n.destinationPort(),
                n.success());
    }

    public String remote() {
        return remoteAddress + ":" + remotePort;
    }
}
