package dev.kiroku.yara.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code open}/{@code close} from libc, so libyara gets a file descriptor we opened without blocking (a FIFO
 * opened with {@code O_NONBLOCK} returns at once and is then refused by libyara's mmap instead of hanging).
 */
final class Posix {
    static final int O_RDONLY = 0;
    static final int O_NONBLOCK = 0x800;
    static final int O_NOFOLLOW = 0x20000;
    static final int O_CLOEXEC = 0x80000;
    static final int EINTR = 4;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("open"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.captureCallState("errno"));
    private static final MethodHandle PREAD_ERRNO = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("pread"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), Linker.Option.captureCallState("errno"));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("close"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private Posix() {
    }

    /** Opens {@code path} read-only, not following a final symlink and without blocking; returns the fd or -errno. */
    static int openForScan(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
            return fd >= 0 ? fd : -(int) ERRNO.get(state, 0L);
        } catch (Throwable t) {
            throw LibYara.rethrow(t);
        }
    }

    /** Reads from {@code offset} until {@code into} is full or the file ends; returns the bytes read or -errno. */
    static long readFully(int fd, MemorySegment into, long offset) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            long done = 0;
            while (done < into.byteSize()) {
                long n = (long) PREAD_ERRNO.invokeExact(state, fd, into.asSlice(done), into.byteSize() - done, offset + done);
                if (n < 0) {
                    int errno = (int) ERRNO.get(state, 0L);
                    if (errno == EINTR) {
                        continue;
                    }
                    return -errno;
                }
                if (n == 0) {
                    break;
                }
                done += n;
            }
            return done;
        } catch (Throwable t) {
            throw LibYara.rethrow(t);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw LibYara.rethrow(t);
        }
    }
}
