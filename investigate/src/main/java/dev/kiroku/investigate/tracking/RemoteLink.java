package dev.kiroku.investigate.tracking;

import dev.kiroku.investigate.history.ProcessRecord;

import java.time.Instant;

/**
 * A connection from a process on one endpoint matched to the process on another endpoint that accepted it.
 *
 * @param connection  the connect on the first endpoint
 * @param acceptor    the accepting process on the other endpoint
 * @param acceptedAt  when the other endpoint recorded the accept
 * @param peerAddress the address the acceptor saw the connection come from
 */
public record RemoteLink(Connection connection, ProcessRecord acceptor, Instant acceptedAt, String peerAddress) {
}
