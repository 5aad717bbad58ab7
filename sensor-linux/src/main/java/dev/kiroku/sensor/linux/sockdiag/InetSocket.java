package dev.kiroku.sensor.linux.sockdiag;

/**
 * One socket from a sock_diag dump.
 *
 * @param protocol {@code tcp} or {@code udp}
 * @param family   {@code inet} or {@code inet6} (Java listeners are usually inet6, dual stack)
 * @param uid      owner uid
 * @param inode    socket inode, 0 for TIME_WAIT and other ownerless sockets; see {@link SocketOwners}
 */
public record InetSocket(String protocol, String family, TcpState state, String localAddress, int localPort,
                         String remoteAddress, int remotePort, int uid, long inode) {
}
