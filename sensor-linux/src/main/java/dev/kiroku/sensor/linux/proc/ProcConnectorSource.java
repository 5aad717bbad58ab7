package dev.kiroku.sensor.linux.proc;

import dev.kiroku.sensor.linux.ffm.Errno;
import dev.kiroku.sensor.linux.ffm.ErrnoException;
import dev.kiroku.sensor.linux.ffm.Libc;
import dev.kiroku.sensor.linux.netlink.NetlinkMessages;
import dev.kiroku.sensor.linux.netlink.NetlinkSocket;

import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Fork, exec and exit notices from the netlink proc connector ({@code NETLINK_CONNECTOR},
 * {@code CN_IDX_PROC}). Works only from the initial pid, user and network namespaces. Multicast:
 * any number of listeners may run. Every process on the machine is reported; filter in user space.
 *
 * <p>Datagram: {@code nlmsghdr(16) | cn_msg(20) | proc_event}; {@code proc_event} = {@code what u32 @36,
 * cpu @40, timestamp_ns u64 @44 (CLOCK_MONOTONIC, unaligned), union @52}.
 */
public final class ProcConnectorSource implements AutoCloseable {

    private static final int CN_IDX_PROC = 1;
    private static final int CN_VAL_PROC = 1;
    private static final int PROC_CN_MCAST_LISTEN = 1;
    private static final int PROC_CN_MCAST_IGNORE = 2;
    static final int PROC_EVENT_FORK = 0x1;
    static final int PROC_EVENT_EXEC = 0x2;
    static final int PROC_EVENT_EXIT = 0x80000000;
    private static final int BUFFER = 8192;

    private final InstantSource clock;
    private final int receiveBufferBytes;
    private final int events;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong notices = new AtomicLong();
    private final AtomicLong overruns = new AtomicLong();
    private final AtomicLong sinkFailures = new AtomicLong();
    private volatile boolean running;
    private NetlinkSocket socket;
    private Thread reader;
    private long epochMinusMonotonicNanos;

    public ProcConnectorSource(InstantSource clock, int receiveBufferBytes) {
        this(clock, receiveBufferBytes, true);
    }

    private ProcConnectorSource(InstantSource clock, int receiveBufferBytes, boolean execNotices) {
        this.clock = clock;
        this.receiveBufferBytes = receiveBufferBytes;
        this.events = PROC_EVENT_FORK | PROC_EVENT_EXIT | (execNotices ? PROC_EVENT_EXEC : 0);
    }

    /** System clock, 8 MiB receive buffer, fork, exec and exit notices. */
    public ProcConnectorSource() {
        this(InstantSource.system(), 8 << 20);
    }

    /**
     * System clock, 8 MiB receive buffer, fork and exit notices only: the kernel filters exec
     * notices out before they are sent (for a reader that learns of execs elsewhere, e.g. audit).
     */
    public static ProcConnectorSource forkAndExit() {
        return new ProcConnectorSource(InstantSource.system(), 8 << 20, false);
    }

    public synchronized void start(Consumer<ProcNotice> sink) throws IOException {
        if (running) {
            throw new IllegalStateException("already started");
        }
        Instant now = clock.instant();
        epochMinusMonotonicNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
        socket = NetlinkSocket.open(NetlinkSocket.NETLINK_CONNECTOR, Libc.SOCK_DGRAM, CN_IDX_PROC, BUFFER);
        try {
            socket.setReceiveBufferSize(receiveBufferBytes);
            socket.setReceiveTimeout(100);
            subscribe(PROC_CN_MCAST_LISTEN);
        } catch (IOException | RuntimeException e) {
            socket.close();
            socket = null;
            throw e;
        }
        running = true;
        reader = Thread.ofPlatform().name("kiroku-proc-connector").daemon(true).unstarted(() -> readLoop(sink));
        reader.start();
    }

    /** Sends PROC_CN_MCAST_IGNORE (so the kernel's listener count drops) and closes. Idempotent. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            subscribe(PROC_CN_MCAST_IGNORE);
        } catch (IOException ignored) {
            // closing the socket below is all that is left to do
        }
        socket.close();
        socket = null;
    }

    @Override
    public void close() {
        stop();
    }

    public ProcConnectorStatus status() {
        return new ProcConnectorStatus(running, received.get(), notices.get(), overruns.get(), sinkFailures.get());
    }

    /** {@code op} with a {@code proc_input} filter for fork, exec and exit (kernels before 6.6 read only {@code op}). */
    private void subscribe(int op) throws IOException {
        byte[] msg = new byte[44];
        NetlinkMessages.putHeader(msg, 0, msg.length, NetlinkMessages.NLMSG_DONE, 0, socket.nextSequence());
        NetlinkMessages.putInt(msg, 16, CN_IDX_PROC);
        NetlinkMessages.putInt(msg, 20, CN_VAL_PROC);
        NetlinkMessages.putInt(msg, 24, 0);
        NetlinkMessages.putInt(msg, 28, 0);
        NetlinkMessages.putShort(msg, 32, 8);
        NetlinkMessages.putShort(msg, 34, 0);
        NetlinkMessages.putInt(msg, 36, op);
        NetlinkMessages.putInt(msg, 40, events);
        socket.send(msg, msg.length);
    }

    private void readLoop(Consumer<ProcNotice> sink) {
        byte[] buffer = new byte[BUFFER];
        while (running && readOnce(sink, buffer)) {
            // each turn is a method of its own: the JIT compiles it, never this loop, which is entered once
        }
    }

    /** Receives and delivers one notice; false when the reader must stop. */
    private boolean readOnce(Consumer<ProcNotice> sink, byte[] buffer) {
        int n;
        try {
            n = socket.receiveWaiting(buffer);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOBUFS) {
                deliver(sink, new ProcLossNotice(overruns.incrementAndGet(), clock.instant()));
                return true;
            }
            if (!running) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException ie) {
                return false;
            }
            return true;
        }
        if (n <= 0) {
            return true;
        }
        received.incrementAndGet();
        ProcNotice notice = decode(buffer, Math.min(n, buffer.length), epochMinusMonotonicNanos);
        if (notice != null) {
            deliver(sink, notice);
        }
        return true;
    }

    private void deliver(Consumer<ProcNotice> sink, ProcNotice notice) {
        try {
            sink.accept(notice);
            notices.incrementAndGet();
        } catch (RuntimeException e) {
            sinkFailures.incrementAndGet();
        }
    }

    /** Decodes one datagram; null for thread-level events, other event kinds, and short datagrams. */
    static ProcNotice decode(byte[] b, int length, long epochMinusMonotonicNanos) {
        if (length < 52) {
            return null;
        }
        int what = NetlinkMessages.getInt(b, 36);
        long monotonic = NetlinkMessages.getLong(b, 44);
        long nanos = monotonic + epochMinusMonotonicNanos;
        Instant time = Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
        switch (what) {
            case PROC_EVENT_FORK -> {
                if (length < 68) {
                    return null;
                }
                int parentTgid = NetlinkMessages.getInt(b, 56);
                int childPid = NetlinkMessages.getInt(b, 60);
                int childTgid = NetlinkMessages.getInt(b, 64);
                return childPid == childTgid ? new ForkNotice(parentTgid, childTgid, time, monotonic) : null;
            }
            case PROC_EVENT_EXEC -> {
                if (length < 60) {
                    return null;
                }
                return new ExecNotice(NetlinkMessages.getInt(b, 56), time);
            }
            case PROC_EVENT_EXIT -> {
                if (length < 68) {
                    return null;
                }
                int pid = NetlinkMessages.getInt(b, 52);
                int tgid = NetlinkMessages.getInt(b, 56);
                if (pid != tgid) {
                    return null;
                }
                int status = NetlinkMessages.getInt(b, 60);
                int signal = status & 0x7F;
                return signal == 0 ? new ExitNotice(tgid, (status >> 8) & 0xFF, 0, time) : new ExitNotice(tgid, -1, signal, time);
            }
            default -> {
                return null;
            }
        }
    }
}
