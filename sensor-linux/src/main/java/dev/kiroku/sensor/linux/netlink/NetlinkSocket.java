package dev.kiroku.sensor.linux.netlink;

import dev.kiroku.sensor.linux.ffm.Errno;
import dev.kiroku.sensor.linux.ffm.ErrnoException;
import dev.kiroku.sensor.linux.ffm.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A netlink socket talking to the kernel (port id 0). Messages cross this class as {@code byte[]}
 * in native (little-endian) byte order; native memory stays inside.
 *
 * <p>One thread receives at a time; sending is thread-safe. {@link #receive} waits with
 * {@code poll(2)} so a receive loop can notice a stop request within its timeout. Close only after
 * the receiving thread has finished.
 */
public final class NetlinkSocket implements AutoCloseable {

    public static final int NETLINK_SOCK_DIAG = 4;
    public static final int NETLINK_AUDIT = 9;
    public static final int NETLINK_CONNECTOR = 11;

    private static final int SOCKADDR_NL_SIZE = 12;

    private final int fd;
    private final int protocol;
    private final Arena arena;
    private final MemorySegment receiveBuffer;
    private final MemorySegment sendBuffer;
    private final MemorySegment kernelAddress;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final AtomicInteger sequence = new AtomicInteger((int) (System.nanoTime() & 0x3FFFFFFF));
    private volatile boolean closed;
    /** Datagrams received ahead by {@link #receiveWaiting} (made at its first call; one receiving thread). */
    private ReceiveBatch batch;
    /** Most native memory for datagrams received ahead, and most datagrams per system call. */
    private static final long BATCH_BYTES = 512 * 1024;
    private static final int MAX_BATCH = 64;

    private NetlinkSocket(int fd, int protocol, int bufferSize) {
        this.fd = fd;
        this.protocol = protocol;
        this.arena = Arena.ofShared();
        this.receiveBuffer = arena.allocate(bufferSize, 8);
        this.sendBuffer = arena.allocate(bufferSize, 8);
        this.kernelAddress = arena.allocate(SOCKADDR_NL_SIZE, 4);
        kernelAddress.set(JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
    }

    /**
     * Opens and binds a netlink socket.
     *
     * @param protocol   netlink family, e.g. {@link #NETLINK_AUDIT}
     * @param socketType {@link Libc#SOCK_RAW} or {@link Libc#SOCK_DGRAM}
     * @param groups     multicast group bitmap to join at bind time (0 for none)
     * @param bufferSize largest datagram to send or receive, in bytes
     */
    public static NetlinkSocket open(int protocol, int socketType, int groups, int bufferSize) throws ErrnoException {
        int fd = Libc.socket(Libc.AF_NETLINK, socketType | Libc.SOCK_CLOEXEC, protocol);
        NetlinkSocket socket = new NetlinkSocket(fd, protocol, bufferSize);
        try (Arena local = Arena.ofConfined()) {
            MemorySegment address = local.allocate(SOCKADDR_NL_SIZE, 4);
            address.set(JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
            address.set(JAVA_INT, 4, 0);
            address.set(JAVA_INT, 8, groups);
            Libc.bind(fd, address, SOCKADDR_NL_SIZE);
        } catch (ErrnoException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    public int protocol() {
        return protocol;
    }

    public int nextSequence() {
        return sequence.incrementAndGet() & 0x7FFFFFFF;
    }

    /**
     * Sets the receive buffer, first with {@code SO_RCVBUFFORCE} (needs CAP_NET_ADMIN, ignores
     * rmem_max), falling back to {@code SO_RCVBUF}.
     *
     * @return the size the kernel reports afterwards (it doubles the request for bookkeeping)
     */
    public int setReceiveBufferSize(int bytes) throws ErrnoException {
        try {
            Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, bytes);
        } catch (ErrnoException e) {
            Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, bytes);
        }
        return Libc.getsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF);
    }

    public void setOption(int level, int name, int value) throws ErrnoException {
        Libc.setsockoptInt(fd, level, name, value);
    }

    /** Sends {@code length} bytes of {@code message} (a complete netlink message) to the kernel. */
    public void send(byte[] message, int length) throws ErrnoException {
        if (length > sendBuffer.byteSize()) {
            throw new IllegalArgumentException("message of " + length + " bytes exceeds buffer " + sendBuffer.byteSize());
        }
        sendLock.lock();
        try {
            ensureOpen();
            MemorySegment.copy(message, 0, sendBuffer, JAVA_BYTE, 0, length);
            while (true) {
                try {
                    Libc.sendto(fd, sendBuffer, length, 0, kernelAddress, SOCKADDR_NL_SIZE);
                    return;
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.EINTR) {
                        throw e;
                    }
                }
            }
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Receives one datagram into {@code destination}.
     *
     * @return the datagram's real length (may exceed {@code destination.length}: then it was
     *         truncated), or 0 when nothing arrived within {@code timeoutMillis}
     * @throws ErrnoException for receive errors; {@link Errno#ENOBUFS} means the kernel dropped
     *                        messages because the receive buffer was full
     */
    public int receive(byte[] destination, int timeoutMillis) throws ErrnoException {
        ensureOpen();
        // A storm keeps the socket busy: try the message first, poll only when none is waiting.
        long ready = Libc.recvIfReady(fd, receiveBuffer, receiveBuffer.byteSize(), Libc.MSG_TRUNC);
        if (ready >= 0) {
            return copyOut(destination, ready);
        }
        int revents;
        try {
            revents = Libc.pollIn(fd, timeoutMillis);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EINTR) {
                return 0;
            }
            throw e;
        }
        if (revents == 0) {
            return 0;
        }
        long n;
        try {
            n = Libc.recv(fd, receiveBuffer, receiveBuffer.byteSize(), Libc.MSG_DONTWAIT | Libc.MSG_TRUNC);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EAGAIN || e.errno() == Errno.EINTR) {
                return 0;
            }
            throw e;
        }
        return copyOut(destination, n);
    }

    /**
     * Makes {@link #receiveWaiting} give up after this long without a message ({@code SO_RCVTIMEO}).
     */
    public void setReceiveTimeout(int millis) throws ErrnoException {
        Libc.setReceiveTimeout(fd, millis);
    }

    /**
     * Receives one datagram for a feed reader: blocks in the kernel itself, up to the timeout set
     * with {@link #setReceiveTimeout} (no {@code poll(2)}, no high-resolution timer armed per wait),
     * and takes every datagram already waiting with the first in the same system call
     * ({@code recvmmsg(2)} with {@code MSG_WAITFORONE}); the next calls hand those out without a
     * system call. A reader that fell behind in a storm thus catches up with one call per batch.
     *
     * @return as {@link #receive}: the datagram's real length, or 0 when nothing arrived in time
     */
    public int receiveWaiting(byte[] destination) throws ErrnoException {
        ensureOpen();
        if (batch == null) batch = new ReceiveBatch(arena, receiveBuffer.byteSize());
        return batch.next(fd, destination);
    }

    /**
     * Datagrams received together by {@code recvmmsg(2)}: one slot of the socket's buffer size per
     * datagram, at most {@link #BATCH_BYTES} in all, and the {@code mmsghdr}/{@code iovec} arrays
     * pointing at them (prepared once; the kernel only writes the lengths).
     */
    private static final class ReceiveBatch {
        private final MemorySegment slots;
        private final MemorySegment headers;
        private final long slotSize;
        private final int capacity;
        private int received;
        private int next;

        ReceiveBatch(Arena arena, long slotSize) {
            this.slotSize = slotSize;
            this.capacity = (int) Math.max(1, Math.min(MAX_BATCH, BATCH_BYTES / slotSize));
            this.slots = arena.allocate(slotSize * capacity, 8);
            this.headers = arena.allocate((long) Libc.MMSGHDR_SIZE * capacity, 8);
            MemorySegment iovecs = arena.allocate(16L * capacity, 8);
            for (int i = 0; i < capacity; i++) {
                MemorySegment iovec = iovecs.asSlice(16L * i, 16);
                iovec.set(ADDRESS, 0, slots.asSlice(slotSize * i, slotSize));
                iovec.set(JAVA_LONG, 8, slotSize);
                MemorySegment header = headers.asSlice((long) Libc.MMSGHDR_SIZE * i, Libc.MMSGHDR_SIZE);
                header.set(ADDRESS, 16, iovec); // msg_iov (msg_name stays NULL: the sender is the kernel)
                header.set(JAVA_LONG, 24, 1); // msg_iovlen
            }
        }

        int next(int fd, byte[] destination) throws ErrnoException {
            if (next == received) {
                int n = Libc.recvmmsg(fd, headers, capacity, Libc.MSG_TRUNC | Libc.MSG_WAITFORONE);
                if (n <= 0) return 0;
                received = n;
                next = 0;
            }
            int i = next++;
            long length = Integer.toUnsignedLong(headers.get(JAVA_INT, (long) Libc.MMSGHDR_SIZE * i + Libc.MMSGHDR_LENGTH_OFFSET));
            int copy = (int) Math.min(length, Math.min(destination.length, slotSize));
            MemorySegment.copy(slots, JAVA_BYTE, slotSize * i, destination, 0, copy);
            return (int) Math.min(length, Integer.MAX_VALUE);
        }
    }

    private int copyOut(byte[] destination, long n) {
        int copy = (int) Math.min(n, Math.min(destination.length, receiveBuffer.byteSize()));
        MemorySegment.copy(receiveBuffer, JAVA_BYTE, 0, destination, 0, copy);
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    private void ensureOpen() throws ErrnoException {
        if (closed) {
            throw new ErrnoException("netlink socket closed", Errno.EBADF);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Libc.close(fd);
        } catch (ErrnoException ignored) {
            // nothing left to release on the kernel side
        }
        arena.close();
    }
}
