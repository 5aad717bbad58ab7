package dev.kiroku.sensor.linux.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The socket-level part of libc that the netlink sensors use, bound through FFM.
 *
 * <p>Every call that can fail captures {@code errno} through {@link Linker.Option#captureCallState}
 * and throws {@link ErrnoException} when the call returns -1, so callers never read a stale errno.
 * The capture buffer is per thread. Nothing here retries: {@code EINTR}/{@code EAGAIN} are the
 * caller's decision.
 *
 * <p>Blocking calls ({@link #recv}, {@link #poll}) must run on platform threads: a virtual thread
 * would pin its carrier for the duration of the native call.
 */
public final class Libc {

    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;

    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000;

    public static final int SOL_SOCKET = 1;
    public static final int SO_RCVBUF = 8;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int SO_RCVTIMEO = 20;

    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 0x80000;
    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_NO_ENOBUFS = 5;

    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_TRUNC = 0x20;

    public static final short POLLIN = 0x1;

    public static final int CLOCK_MONOTONIC = 1;
    public static final int CLOCK_BOOTTIME = 7;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle SOCKET = errnoHandle("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = errnoHandle("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDTO = errnoHandle("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SEND = errnoHandle("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV = errnoHandle("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECVMMSG = errnoHandle("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle RECVFROM = errnoHandle("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SETSOCKOPT = errnoHandle("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = errnoHandle("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CLOSE = errnoHandle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle OPEN = LINKER.downcallHandle(LOOKUP.findOrThrow("open"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle READ = LINKER.downcallHandle(LOOKUP.findOrThrow("read"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE_QUIETLY = LINKER.downcallHandle(LOOKUP.findOrThrow("close"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOCK_GETTIME = LINKER.downcallHandle(LOOKUP.findOrThrow("clock_gettime"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle READLINK = LINKER.downcallHandle(LOOKUP.findOrThrow("readlink"),
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle STATX = LINKER.downcallHandle(LOOKUP.findOrThrow("statx"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle MMAP = errnoHandle("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = LINKER.downcallHandle(LOOKUP.findOrThrow("munmap"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle POLL = errnoHandle("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle GETPID = LINKER.downcallHandle(LOOKUP.findOrThrow("getpid"), FunctionDescriptor.of(JAVA_INT));

    /** Per-thread scratch: errno capture state, then a pollfd, then an int option value and its length. */
    private static final long POLLFD_OFFSET = 64;
    private static final long OPT_OFFSET = 72;
    private static final long OPTLEN_OFFSET = 80;
    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(96, 8));

    private Libc() {
    }

    private static MethodHandle errnoHandle(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LOOKUP.findOrThrow(name), descriptor, CAPTURE_ERRNO);
    }

    private static int errno(MemorySegment scratch) {
        return (int) ERRNO.get(scratch, 0L);
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }

    public static int socket(int domain, int type, int protocol) throws ErrnoException {
        MemorySegment s = SCRATCH.get();
        int r;
        try {
            r = (int) SOCKET.invokeExact(s, domain, type, protocol);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r < 0) {
            throw new ErrnoException("socket", errno(s));
        }
        return r;
    }

    public static void bind(int fd, MemorySegment address, int length) throws ErrnoException {
        MemorySegment s = SCRATCH.get();
        int r;
        try {
            r = (int) BIND.invokeExact(s, fd, address, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r < 0) {
            throw new ErrnoException("bind", errno(s));
        }
    }

    public static long sendto(int fd, MemorySegment buffer, long length, int flags, MemorySegment address, int addressLength)
            throws ErrnoException {
        MemorySegment s = SCRATCH.get();
        long r;
        try {
            r = (long) SENDTO.invokeExact(s, fd, buffer, length, flags, address, addressLength);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r < 0) {
            throw new ErrnoException("sendto", errno(s));
        }
        return r;
    }

    public static long send(int fd, MemorySegment buffer, long length, int flags) throws ErrnoException {
        MemorySegment s = SCRATCH.get();
        long r;
        try {
            r = (long) SEND.invokeExact(s, fd, buffer, length, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r < 0) {
            throw new ErrnoException("send", errno(s));
        }
        return r;
    }

    /** {@code recv(2)}; with {@link #MSG_TRUNC} the result is the datagram's real length, possibly above {@code length}. */
    public static long recv(int fd, MemorySegment buffer, long length, int flags) throws ErrnoException {
        MemorySegment s = SCRATCH.get();
        long r;
        try {
            r = (long) RECV.invokeExact(s, fd, buffer, length, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r < 0) {
            throw new ErrnoException("recv", errno(s));
        }
        return r;
    }

    /**
     * {@code recv} for a caller that polls only when nothing is waiting: returns -1 instead of
     * throwing when the call would block or was interrupted (EAGAIN, EINTR), so a busy socket costs
     * one system call per message and no exception.
     */
    public static long recvIfReady(int fd, MemorySegment buffer, long length, int flags) throws ErrnoException {
        return recvOrMinusOne(fd, buffer, length, flags | MSG_DONTWAIT);
    }

    private static long recvOrMinusOne(int fd, MemorySegment buffer, long length, int flags) throws ErrnoException {
        MemorySegment s = SCRATCH.get();
        long r;
        try {
            r = (long) RECV.invokeExact(s, fd, buffer, length, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return r < 0 ? minusOneIfWouldBlock("recv", s) : r;
    }

    /** -1 when the failed call would have blocked or was interrupted (EAGAIN, EINTR); any other errno is thrown. */
    private static int minusOneIfWouldBlock(String call, MemorySegment scratch) throws ErrnoException {
        int errno = errno(scratch);
        if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
            return -1;
        }
        throw new ErrnoException(call, errno);
    }

    /** {@code recvmmsg(2)} flag: block for the first message only, then take what is already waiting. */
    public static final int MSG_WAITFORONE = 0x10000;
    /** Size of {@code struct mmsghdr} on x86_64 (a 56-byte {@code msghdr}, the received length, padding). */
    public static final int MMSGHDR_SIZE = 64;
    /** Offset of {@code msg_len} in {@code struct mmsghdr}. */
    public static final int MMSGHDR_LENGTH_OFFSET = 56;

    /**
     * {@code recvmmsg(2)} without a timeout: several datagrams in one system call into the prepared
     * {@code struct mmsghdr} array; each one's length is at {@link #MMSGHDR_LENGTH_OFFSET} of its entry.
     * Blocking follows the socket ({@link #setReceiveTimeout}) and {@code flags} (e.g.
     * {@link #MSG_WAITFORONE}).
     *
     * @return how many datagrams were received, or -1 when the receive timed out or was interrupted
     *         (EAGAIN, EINTR)
     */
    public static int recvmmsg(int fd, MemorySegment messages, int count, int flags) throws ErrnoException {
        MemorySegment s = SCRATCH.get();
        int r;
        try {
            r = (int) RECVMMSG.invokeExact(s, fd, messages, count, flags, MemorySegment.NULL);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return r < 0 ? minusOneIfWouldBlock("recvmmsg", s) : r;
    }

    /** {@code SO_RCVTIMEO}: how long a blocking receive on the socket waits before it fails with EAGAIN. */
    public static void setReceiveTimeout(int fd, long millis) throws ErrnoException {
        MemorySegment s = SCRATCH.get();
        MemorySegment timeval = s.asSlice(OPT_OFFSET, 16);
        timeval.set(JAVA_LONG, 0, millis / 1000);
        timeval.set(JAVA_LONG, 8, (millis % 1000) * 1000);
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeval, 16);
    }

    public static long recvfrom(int fd, MemorySegment buffer, long length, int flags, MemorySegment address,
                                MemorySegment addressLength) throws ErrnoException {
        MemorySegment s = SCRATCH.get();
        long r;
        try {
            r = (long) RECVFROM.invokeExact(s, fd, buffer, length, flags, address, addressLength);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r < 0) {
            throw new ErrnoException("recvfrom", errno(s));
        }
        return r;
    }

    public static void setsockopt(int fd, int level, int name, MemorySegment value, int length) throws ErrnoException {
        MemorySegment s = SCRATCH.get();
        int r;
        try {
            r = (int) SETSOCKOPT.invokeExact(s, fd, level, name, value, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r < 0) {
            throw new ErrnoException("setsockopt", errno(s));
        }
    }

    /** {@code setsockopt} with an {@code int} option value. */
    public static void setsockoptInt(int fd, int level, int name, int value) throws ErrnoException {
        MemorySegment s = SCRATCH.get();
        MemorySegment opt = s.asSlice(OPT_OFFSET, 4);
        opt.set(JAVA_INT, 0, value);
        setsockopt(fd, level, name, opt, 4);
    }

    /** {@code getsockopt} of an {@code int} option value. */
    public static int getsockoptInt(int fd, int level, int name) throws ErrnoException {
        MemorySegment s = SCRATCH.get();
        MemorySegment opt = s.asSlice(OPT_OFFSET, 4);
        MemorySegment len = s.asSlice(OPTLEN_OFFSET, 4);
        len.set(JAVA_INT, 0, 4);
        int r;
        try {
            r = (int) GETSOCKOPT.invokeExact(s, fd, level, name, opt, len);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r < 0) {
            throw new ErrnoException("getsockopt", errno(s));
        }
        return opt.get(JAVA_INT, 0);
    }

    // Quiet file calls for reading /proc, where a file that is gone (the process exited) is a
    // normal answer: -1 on any failure, no errno, no exception.

    /** {@code open(path, flags)} with a NUL-terminated path; the descriptor, or -1. */
    public static int openQuietly(MemorySegment path, int flags) {
        try {
            return (int) OPEN.invokeExact(path, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code read(2)}: bytes read (0 at the end), or -1. */
    public static long readQuietly(int fd, MemorySegment buffer, long length) {
        try {
            return (long) READ.invokeExact(fd, buffer, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code close(2)}, ignoring failures. */
    public static void closeQuietly(int fd) {
        try {
            int ignored = (int) CLOSE_QUIETLY.invokeExact(fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code clock_gettime(2)} (a vDSO call, no system call) into {@code timespec}, a 16-byte
     * scratch buffer: the clock's time in nanoseconds, or -1 when the clock is not available.
     */
    public static long clockNanos(int clock, MemorySegment timespec) {
        int r;
        try {
            r = (int) CLOCK_GETTIME.invokeExact(clock, timespec);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return r != 0 ? -1 : timespec.get(JAVA_LONG, 0) * 1_000_000_000L + timespec.get(JAVA_LONG, 8);
    }

    /** Size of {@code struct statx}. */
    public static final int STATX_SIZE = 256;

    /**
     * {@code statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, buffer)} with a NUL-terminated path,
     * following links, into a {@link #STATX_SIZE}-byte buffer: 0, or -1 on any failure.
     */
    public static int statxQuietly(MemorySegment path, MemorySegment buffer) {
        try {
            return (int) STATX.invokeExact(-100, path, 0, 0x7ff, buffer);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code readlink(2)} with a NUL-terminated path: the target's length (not terminated), or -1. */
    public static long readlinkQuietly(MemorySegment path, MemorySegment buffer, long length) {
        try {
            return (long) READLINK.invokeExact(path, buffer, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void close(int fd) throws ErrnoException {
        MemorySegment s = SCRATCH.get();
        int r;
        try {
            r = (int) CLOSE.invokeExact(s, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r < 0) {
            throw new ErrnoException("close", errno(s));
        }
    }

    /** {@code poll(2)} on an array of {@code struct pollfd}; returns the number of ready descriptors, 0 on timeout. */
    public static int poll(MemorySegment pollfds, long count, int timeoutMillis) throws ErrnoException {
        MemorySegment s = SCRATCH.get();
        int r;
        try {
            r = (int) POLL.invokeExact(s, pollfds, count, timeoutMillis);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (r < 0) {
            throw new ErrnoException("poll", errno(s));
        }
        return r;
    }

    /**
     * Waits until {@code fd} is readable or the timeout passes.
     *
     * @return the {@code revents} bits (0 on timeout); POLLERR (8) is set when a socket error such as ENOBUFS is pending
     */
    public static int pollIn(int fd, int timeoutMillis) throws ErrnoException {
        MemorySegment s = SCRATCH.get();
        MemorySegment pollfd = s.asSlice(POLLFD_OFFSET, 8);
        pollfd.set(JAVA_INT, 0, fd);
        pollfd.set(JAVA_SHORT, 4, POLLIN);
        pollfd.set(JAVA_SHORT, 6, (short) 0);
        int n = poll(pollfd, 1, timeoutMillis);
        return n == 0 ? 0 : pollfd.get(JAVA_SHORT, 6) & 0xFFFF;
    }

    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;

    /** {@code mmap(NULL, length, prot, MAP_SHARED, fd, offset)}: the mapping as a segment of {@code length} bytes. */
    public static MemorySegment mmapShared(int fd, long length, int prot, long offset) throws ErrnoException {
        MemorySegment s = SCRATCH.get();
        MemorySegment address;
        try {
            address = (MemorySegment) MMAP.invokeExact(s, MemorySegment.NULL, length, prot, MAP_SHARED, fd, offset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (address.address() == -1L) throw new ErrnoException("mmap", errno(s));
        return address.reinterpret(length);
    }

    /** {@code munmap(2)} of a segment {@link #mmapShared} returned. */
    public static void munmap(MemorySegment mapping) {
        try {
            int ignored = (int) MUNMAP.invokeExact(mapping, mapping.byteSize());
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
