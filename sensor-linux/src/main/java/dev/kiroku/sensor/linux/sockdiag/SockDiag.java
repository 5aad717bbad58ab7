package dev.kiroku.sensor.linux.sockdiag;

import dev.kiroku.sensor.linux.ffm.Libc;
import dev.kiroku.sensor.linux.netlink.IpAddressText;
import dev.kiroku.sensor.linux.netlink.NetlinkMessages;
import dev.kiroku.sensor.linux.netlink.NetlinkSocket;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Inventory of TCP and UDP sockets through {@code NETLINK_SOCK_DIAG} dumps
 * ({@code SOCK_DIAG_BY_FAMILY} with {@code inet_diag_req_v2}). A snapshot, not an event source:
 * short connections come and go between dumps.
 */
public final class SockDiag implements AutoCloseable {

    private static final int SOCK_DIAG_BY_FAMILY = 20;
    private static final int IPPROTO_TCP = 6;
    private static final int IPPROTO_UDP = 17;
    private static final int REQUEST_SIZE = 56;
    private static final int MESSAGE_MIN = 72;
    private static final int BUFFER = 64 * 1024;
    private static final long TIMEOUT_NANOS = 5_000_000_000L;

    private final NetlinkSocket socket;
    private final byte[] buffer = new byte[BUFFER];

    private SockDiag(NetlinkSocket socket) {
        this.socket = socket;
    }

    public static SockDiag open() throws IOException {
        return new SockDiag(NetlinkSocket.open(NetlinkSocket.NETLINK_SOCK_DIAG, Libc.SOCK_RAW, 0, BUFFER));
    }

    /** All TCP and UDP sockets of both families, in every state. */
    public List<InetSocket> dumpAll() throws IOException {
        List<InetSocket> all = new ArrayList<>();
        for (boolean tcp : new boolean[] {true, false}) {
            for (int family : new int[] {Libc.AF_INET, Libc.AF_INET6}) {
                all.addAll(dump(tcp, family, 0xFFFFFFFF));
            }
        }
        return all;
    }

    /**
     * One dump.
     *
     * @param tcp    TCP when true, else UDP
     * @param family {@link Libc#AF_INET} or {@link Libc#AF_INET6}
     * @param states bitmask of {@link TcpState#mask()} values, {@code 0xFFFFFFFF} for all
     */
    public synchronized List<InetSocket> dump(boolean tcp, int family, int states) throws IOException {
        int seq = socket.nextSequence();
        byte[] msg = new byte[NetlinkMessages.HEADER_SIZE + REQUEST_SIZE];
        NetlinkMessages.putHeader(msg, 0, msg.length, SOCK_DIAG_BY_FAMILY,
                NetlinkMessages.NLM_F_REQUEST | NetlinkMessages.NLM_F_DUMP, seq);
        msg[16] = (byte) family;
        msg[17] = (byte) (tcp ? IPPROTO_TCP : IPPROTO_UDP);
        NetlinkMessages.putInt(msg, 20, states);
        socket.send(msg, msg.length);
        List<InetSocket> out = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("sock_diag dump timed out");
            }
            int n = socket.receive(buffer, (int) Math.max(1, left / 1_000_000));
            if (n == 0) {
                continue;
            }
            n = Math.min(n, buffer.length);
            int at = 0;
            while (at + NetlinkMessages.HEADER_SIZE <= n) {
                int len = NetlinkMessages.length(buffer, at);
                if (len < NetlinkMessages.HEADER_SIZE || at + len > n) {
                    throw new IOException("malformed sock_diag reply at offset " + at);
                }
                int type = NetlinkMessages.type(buffer, at);
                if (NetlinkMessages.sequence(buffer, at) == seq) {
                    if (type == NetlinkMessages.NLMSG_DONE) {
                        return out;
                    }
                    if (type == NetlinkMessages.NLMSG_ERROR) {
                        int error = -NetlinkMessages.errorCode(buffer, at);
                        if (error != 0) {
                            throw new IOException("sock_diag dump failed: errno " + error);
                        }
                    } else if (type == SOCK_DIAG_BY_FAMILY && len - NetlinkMessages.HEADER_SIZE >= MESSAGE_MIN) {
                        out.add(decode(buffer, at + NetlinkMessages.HEADER_SIZE, tcp));
                    }
                }
                at += NetlinkMessages.align(len);
            }
        }
    }

    /** {@code inet_diag_msg}: family,state,timer,retrans u8; sport,dport be16 @4,6; src,dst @8,24; uid @64; inode @68. */
    static InetSocket decode(byte[] b, int at, boolean tcp) {
        int family = b[at] & 0xFF;
        boolean v6 = family == Libc.AF_INET6;
        String local = v6 ? IpAddressText.ipv6(b, at + 8) : IpAddressText.ipv4(b, at + 8);
        String remote = v6 ? IpAddressText.ipv6(b, at + 24) : IpAddressText.ipv4(b, at + 24);
        return new InetSocket(tcp ? "tcp" : "udp", v6 ? "inet6" : "inet", TcpState.of(b[at + 1] & 0xFF), local,
                NetlinkMessages.getUnsignedShortBigEndian(b, at + 4), remote,
                NetlinkMessages.getUnsignedShortBigEndian(b, at + 6), NetlinkMessages.getInt(b, at + 64),
                NetlinkMessages.getUnsignedInt(b, at + 68));
    }

    @Override
    public void close() {
        socket.close();
    }
}
