package dev.kiroku.sensor.linux.fanotify;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The only place in this package that touches native memory: libc's fanotify, read, poll, close,
 * open, openat, open_by_handle_at, readlink and statfs (x86-64 / arm64 Linux, LP64).
 *
 * <p>Every call captures {@code errno} with {@link Linker.Option#captureCallState}. Results leave
 * this class as Java values ({@code int}, {@code long}, {@code byte[]}); no {@link MemorySegment}
 * escapes. Calls that may fail return {@code -errno} (a negative number) instead of throwing, so
 * the event loop can decide per call.
 *
 * <p>An instance is one fanotify group: it owns the group fd and a read buffer. Its
 * {@link #poll}/{@link #read} must be called from one thread (the reader); {@link #close} after
 * that thread has finished.
 */
final class FanotifyCalls implements AutoCloseable {

    // fanotify_init flags
    static final int FAN_CLOEXEC = 0x1;
    static final int FAN_NONBLOCK = 0x2;
    static final int FAN_CLASS_NOTIF = 0x0;
    static final int FAN_UNLIMITED_QUEUE = 0x10;
    static final int FAN_REPORT_FID = 0x200;
    static final int FAN_REPORT_DIR_FID = 0x400;
    static final int FAN_REPORT_NAME = 0x800;
    static final int FAN_REPORT_DFID_NAME = FAN_REPORT_DIR_FID | FAN_REPORT_NAME;
    static final int FAN_REPORT_TARGET_FID = 0x1000;

    // fanotify_mark flags
    static final int FAN_MARK_ADD = 0x1;
    static final int FAN_MARK_REMOVE = 0x2;
    static final int FAN_MARK_FILESYSTEM = 0x100;

    // event mask bits
    static final long FAN_MODIFY = 0x2L;
    static final long FAN_ATTRIB = 0x4L;
    static final long FAN_CLOSE_WRITE = 0x8L;
    static final long FAN_MOVED_FROM = 0x40L;
    static final long FAN_MOVED_TO = 0x80L;
    static final long FAN_CREATE = 0x100L;
    static final long FAN_DELETE = 0x200L;
    static final long FAN_DELETE_SELF = 0x400L;
    static final long FAN_Q_OVERFLOW = 0x4000L;
    static final long FAN_RENAME = 0x10000000L;
    static final long FAN_ONDIR = 0x40000000L;

    // info record types
    static final int INFO_FID = 1;
    static final int INFO_DFID_NAME = 2;
    static final int INFO_DFID = 3;
    static final int INFO_OLD_DFID_NAME = 10;
    static final int INFO_NEW_DFID_NAME = 12;

    // open flags (x86-64 and arm64 generic values)
    static final int O_RDONLY = 0;
    static final int O_DIRECTORY = 0x10000;
    static final int O_LARGEFILE = 0x8000;
    static final int O_CLOEXEC = 0x80000;
    static final int O_PATH = 0x200000;
    static final int AT_FDCWD = -100;

    // errno values
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ENOENT = 2;
    static final int ESTALE = 116;
    static final int ENAMETOOLONG = 36;

    private static final short POLLIN = 0x1;
    private static final int PATH_MAX = 4096;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_HANDLE =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final AddressLayout PTR = ADDRESS;

    private static final MethodHandle FANOTIFY_INIT = bind("fanotify_init",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle FANOTIFY_MARK = bind("fanotify_mark",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, PTR));
    private static final MethodHandle READ = bind("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, PTR, JAVA_LONG));
    private static final MethodHandle POLL = bind("poll",
            FunctionDescriptor.of(JAVA_INT, PTR, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = bind("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle OPENAT = bindVariadic("openat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, PTR, JAVA_INT, JAVA_INT), 3);
    private static final MethodHandle OPEN_BY_HANDLE_AT = bind("open_by_handle_at",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, PTR, JAVA_INT));
    private static final MethodHandle READLINK = bind("readlink",
            FunctionDescriptor.of(JAVA_LONG, PTR, PTR, JAVA_LONG));
    private static final MethodHandle STATFS = bind("statfs",
            FunctionDescriptor.of(JAVA_INT, PTR, PTR));

    /** struct statfs on LP64: 7 longs, then f_fsid (2 x int) at offset 56; 120 bytes in all. */
    private static final long STATFS_SIZE = 120;
    private static final long STATFS_FSID_OFFSET = 56;

    private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LIBC.findOrThrow(name), descriptor, ERRNO);
    }

    private static MethodHandle bindVariadic(String name, FunctionDescriptor descriptor, int firstVariadic) {
        return LINKER.downcallHandle(LIBC.findOrThrow(name), descriptor, ERRNO,
                Linker.Option.firstVariadicArg(firstVariadic));
    }

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment readBuffer;
    private final MemorySegment pollFd;
    private final MemorySegment readCapture;
    private volatile boolean closed;

    private FanotifyCalls(int fd, int bufferSize) {
        this.fd = fd;
        this.readBuffer = arena.allocate(bufferSize, 8);
        this.pollFd = arena.allocate(8, 4);
        this.readCapture = arena.allocate(CAPTURE);
    }

    /**
     * Creates a fanotify group.
     *
     * @throws FanotifyException with the errno when the kernel refuses
     */
    static FanotifyCalls init(int flags, int eventFlags, int bufferSize) throws FanotifyException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment capture = call.allocate(CAPTURE);
            int fd = (int) FANOTIFY_INIT.invokeExact(capture, flags, eventFlags);
            if (fd < 0) {
                throw new FanotifyException("fanotify_init", errno(capture), null);
            }
            return new FanotifyCalls(fd, bufferSize);
        } catch (FanotifyException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("fanotify_init downcall failed", t);
        }
    }

    /** fanotify_mark on this group; returns 0 or -errno. */
    int mark(int flags, long mask, String path) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment capture = call.allocate(CAPTURE);
            MemorySegment cPath = call.allocateFrom(path, StandardCharsets.UTF_8);
            int rc = (int) FANOTIFY_MARK.invokeExact(capture, fd, flags, mask, AT_FDCWD, cPath);
            return rc < 0 ? -errno(capture) : 0;
        } catch (Throwable t) {
            throw new IllegalStateException("fanotify_mark downcall failed", t);
        }
    }

    /** Waits up to {@code timeoutMillis} for events; returns &gt;0 when readable, 0 on timeout, -errno on error. */
    int poll(int timeoutMillis) {
        pollFd.set(JAVA_INT, 0, fd);
        pollFd.set(JAVA_SHORT, 4, POLLIN);
        pollFd.set(JAVA_SHORT, 6, (short) 0);
        try {
            int rc = (int) POLL.invokeExact(readCapture, pollFd, 1L, timeoutMillis);
            return rc < 0 ? -errno(readCapture) : rc;
        } catch (Throwable t) {
            throw new IllegalStateException("poll downcall failed", t);
        }
    }

    /**
     * Reads whatever events are queued (the group is non-blocking) into {@code target}; returns
     * the number of bytes, or -errno ({@code -EAGAIN} when nothing is queued).
     */
    int read(byte[] target) {
        long max = Math.min(target.length, readBuffer.byteSize());
        try {
            long n = (long) READ.invokeExact(readCapture, fd, readBuffer, max);
            if (n < 0) {
                return -errno(readCapture);
            }
            MemorySegment.copy(readBuffer, ValueLayout.JAVA_BYTE, 0, target, 0, (int) n);
            return (int) n;
        } catch (Throwable t) {
            throw new IllegalStateException("read downcall failed", t);
        }
    }

    int bufferSize() {
        return (int) readBuffer.byteSize();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeFd(fd);
        arena.close();
    }

    // ---- calls that do not need a group ------------------------------------------------------

    /** open(path, O_PATH|O_DIRECTORY|O_CLOEXEC); returns fd or -errno. */
    static int openDirectoryPath(String path) {
        return openAt(AT_FDCWD, path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    }

    /** openat(dirFd, path, flags); returns fd or -errno. */
    static int openAt(int dirFd, String path, int flags) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment capture = call.allocate(CAPTURE);
            MemorySegment cPath = call.allocateFrom(path, StandardCharsets.UTF_8);
            int rc = (int) OPENAT.invokeExact(capture, dirFd, cPath, flags, 0);
            return rc < 0 ? -errno(capture) : rc;
        } catch (Throwable t) {
            throw new IllegalStateException("openat downcall failed", t);
        }
    }

    /**
     * open_by_handle_at(mountFd, {handle_bytes, handle_type, handle}, O_PATH|O_CLOEXEC); returns
     * an fd or -errno (ESTALE when the object no longer exists).
     */
    static int openByHandle(int mountFd, int handleType, byte[] handle) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment capture = call.allocate(CAPTURE);
            MemorySegment fileHandle = call.allocate(8L + handle.length, 4);
            fileHandle.set(JAVA_INT, 0, handle.length);
            fileHandle.set(JAVA_INT, 4, handleType);
            MemorySegment.copy(handle, 0, fileHandle, ValueLayout.JAVA_BYTE, 8, handle.length);
            int rc = (int) OPEN_BY_HANDLE_AT.invokeExact(capture, mountFd, fileHandle, O_PATH | O_CLOEXEC);
            return rc < 0 ? -errno(capture) : rc;
        } catch (Throwable t) {
            throw new IllegalStateException("open_by_handle_at downcall failed", t);
        }
    }

    /**
     * readlink of {@code /proc/self/fd/<fd>}: the raw path bytes of what the descriptor refers to
     * (not decoded: names need not be UTF-8), or the errno. Paths longer than PATH_MAX fail in
     * the kernel with ENAMETOOLONG.
     */
    static ReadlinkResult readFdLink(int fd) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment capture = call.allocate(CAPTURE);
            MemorySegment link = call.allocateFrom("/proc/self/fd/" + fd, StandardCharsets.US_ASCII);
            MemorySegment buffer = call.allocate(PATH_MAX + 1L);
            long n = (long) READLINK.invokeExact(capture, link, buffer, (long) PATH_MAX + 1);
            if (n < 0) {
                return new ReadlinkResult(null, errno(capture));
            }
            if (n > PATH_MAX) {
                return new ReadlinkResult(null, ENAMETOOLONG);
            }
            return new ReadlinkResult(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), 0);
        } catch (Throwable t) {
            throw new IllegalStateException("readlink downcall failed", t);
        }
    }

    /** The bytes of a symlink target, or an errno. */
    record ReadlinkResult(byte[] target, int errno) {
        boolean ok() {
            return target != null;
        }
    }

    /**
     * statfs(path).f_fsid: the same 8 bytes fanotify reports in its info records, read as one
     * native-order long (the parser reads the record's fsid the same way).
     */
    static long fsid(String path) throws FanotifyException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment capture = call.allocate(CAPTURE);
            MemorySegment cPath = call.allocateFrom(path, StandardCharsets.UTF_8);
            MemorySegment buf = call.allocate(STATFS_SIZE, 8);
            int rc = (int) STATFS.invokeExact(capture, cPath, buf);
            if (rc < 0) {
                throw new FanotifyException("statfs " + path, errno(capture), null);
            }
            return buf.get(ValueLayout.JAVA_LONG_UNALIGNED, STATFS_FSID_OFFSET);
        } catch (FanotifyException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("statfs downcall failed", t);
        }
    }

    /** close(fd); errors are ignored (there is nothing useful to do with them here). */
    static void closeFd(int fd) {
        if (fd < 0) {
            return;
        }
        try (Arena call = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(call.allocate(CAPTURE), fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close downcall failed", t);
        }
    }

    private static int errno(MemorySegment capture) {
        return (int) ERRNO_HANDLE.get(capture, 0L);
    }
}
