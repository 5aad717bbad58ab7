package dev.kiroku.event;

/**
 * A socket operation or a socket found by the periodic inventory.
 *
 * @param action          what happened
 * @param transport       "tcp", "udp" or another protocol name
 * @param sourceIp        local address (may be null for connects that did not bind yet)
 * @param sourcePort      local port, 0 when unknown
 * @param destinationIp   remote address (for LISTEN, null)
 * @param destinationPort remote port, 0 when unknown
 * @param success         false when the syscall failed (EINPROGRESS counts as success)
 * @param process         the process that made the call; null when unknown (inventory)
 */
public record NetworkActivity(Action action, String transport, String sourceIp, int sourcePort,
                              String destinationIp, int destinationPort, boolean success,
                              ProcessInfo process) implements Payload {

    public enum Action {
        CONNECT, ACCEPT, LISTEN, BIND,
        /** Inventory: a socket found listening by the periodic socket dump. */
        LISTENING_SOCKET,
        /** Inventory: an established connection found by the periodic socket dump. */
        ESTABLISHED_SOCKET
    }
}
