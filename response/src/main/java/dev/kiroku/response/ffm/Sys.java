package dev.kiroku.response.ffm;

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
 * The libc calls the response actions need beyond the sensors' socket calls: pidfds, fanotify
 * permission groups, raw reads and writes on descriptors, fstat. x86-64 / arm64 Linux (LP64).
 *
 * <p>Calls return the result or {@code -errno}; they never throw for a failing system call, so
 * the permission handler decides per call and can always fall back to ALLOW. Each call allocates
 * its small scratch memory in a confined arena; nothing native escapes.
 */
public final class Sys {
    public static final int SIGKILL = 9;
    public static final int SIGSTOP = 19;
    public static final int SIGCONT = 18;
    public static final int ESRCH = 3;
    public static final int EAGAIN = 11;
    public static final int EINTR = 4;

    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final long SYS_PIDFD_OPEN = 434;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_HANDLE = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle SYSCALL2 = LINKER.downcallHandle(LIBC.findOrThrow("syscall"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), ERRNO, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SYSCALL4 = LINKER.downcallHandle(LIBC.findOrThrow("syscall"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG), ERRNO,
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle FANOTIFY_INIT = bind("fanotify_init", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle FANOTIFY_MARK = bind("fanotify_mark",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS));
    private static final MethodHandle READ = bind("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle PREAD = bind("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle OPEN = LINKER.downcallHandle(LIBC.findOrThrow("open"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle POLL = bind("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FSTAT = bind("fstat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle READLINK = bind("readlink", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));

    /** struct stat on x86-64: 144 bytes; dev@0 ino@8 mode@24 uid@28 gid@32 size@48 mtim@88 ctim@104. */
    private static final long STAT_SIZE = 144;

    private Sys() {
    }

    private static MethodHandle bind(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LIBC.findOrThrow(name), d, ERRNO);
    }

    private static int errno(MemorySegment capture) {
        return (int) ERRNO_HANDLE.get(capture, 0L);
    }

    private static IllegalStateException downcall(String name, Throwable t) {
        return new IllegalStateException(name + " downcall failed", t);
    }

    /** pidfd_open(pid, 0): a descriptor that always refers to this very process; fd or -errno. */
    public static int pidfdOpen(int pid) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(CAPTURE);
            long r = (long) SYSCALL2.invokeExact(c, SYS_PIDFD_OPEN, (long) pid, 0L);
            return r < 0 ? -errno(c) : (int) r;
        } catch (Throwable t) {
            throw downcall("pidfd_open", t);
        }
    }

    /** pidfd_send_signal(pidfd, sig, NULL, 0); 0 or -errno (ESRCH once the process has exited). */
    public static int pidfdSignal(int pidfd, int signal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(CAPTURE);
            long r = (long) SYSCALL4.invokeExact(c, SYS_PIDFD_SEND_SIGNAL, (long) pidfd, (long) signal, MemorySegment.NULL, 0L);
            return r < 0 ? -errno(c) : 0;
        } catch (Throwable t) {
            throw downcall("pidfd_send_signal", t);
        }
    }

    /** poll for readability; a pidfd becomes readable when its process has exited. &gt;0 ready, 0 timeout, -errno. */
    public static int pollIn(int fd, int timeoutMillis) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(CAPTURE);
            MemorySegment pfd = a.allocate(8, 4);
            pfd.set(JAVA_INT, 0, fd);
            pfd.set(JAVA_SHORT, 4, (short) 1);
            int r = (int) POLL.invokeExact(c, pfd, 1L, timeoutMillis);
            return r < 0 ? -errno(c) : r;
        } catch (Throwable t) {
            throw downcall("poll", t);
        }
    }

    /** open(path, O_RDONLY|O_CLOEXEC); fd or -errno. */
    public static int openReadOnly(String path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(CAPTURE);
            int r = (int) OPEN.invokeExact(c, a.allocateFrom(path, StandardCharsets.UTF_8), 0x80000);
            return r < 0 ? -errno(c) : r;
        } catch (Throwable t) {
            throw downcall("open", t);
        }
    }

    public static void close(int fd) {
        if (fd < 0) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(a.allocate(CAPTURE), fd);
        } catch (Throwable t) {
            throw downcall("close", t);
        }
    }

    public static int fanotifyInit(int flags, int eventFlags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(CAPTURE);
            int r = (int) FANOTIFY_INIT.invokeExact(c, flags, eventFlags);
            return r < 0 ? -errno(c) : r;
        } catch (Throwable t) {
            throw downcall("fanotify_init", t);
        }
    }

    /** fanotify_mark on a path (relative paths against the cwd); 0 or -errno. */
    public static int fanotifyMark(int group, int flags, long mask, String path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(CAPTURE);
            int r = (int) FANOTIFY_MARK.invokeExact(c, group, flags, mask, -100, a.allocateFrom(path, StandardCharsets.UTF_8));
            return r < 0 ? -errno(c) : 0;
        } catch (Throwable t) {
            throw downcall("fanotify_mark", t);
        }
    }

    /** fanotify_mark on the object an open descriptor refers to (dirfd = fd, pathname NULL); 0 or -errno. */
    public static int fanotifyMarkFd(int group, int flags, long mask, int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(CAPTURE);
            int r = (int) FANOTIFY_MARK.invokeExact(c, group, flags, mask, fd, MemorySegment.NULL);
            return r < 0 ? -errno(c) : 0;
        } catch (Throwable t) {
            throw downcall("fanotify_mark", t);
        }
    }

    /** read(2) into native memory; bytes or -errno. */
    public static long read(int fd, MemorySegment buffer, long length) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(CAPTURE);
            long r = (long) READ.invokeExact(c, fd, buffer, length);
            return r < 0 ? -errno(c) : r;
        } catch (Throwable t) {
            throw downcall("read", t);
        }
    }

    /** pread(2) into native memory; bytes or -errno. */
    public static long pread(int fd, MemorySegment buffer, long length, long offset) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(CAPTURE);
            long r = (long) PREAD.invokeExact(c, fd, buffer, length, offset);
            return r < 0 ? -errno(c) : r;
        } catch (Throwable t) {
            throw downcall("pread", t);
        }
    }

    /** write(2) from native memory; bytes or -errno. */
    public static long write(int fd, MemorySegment buffer, long length) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(CAPTURE);
            long r = (long) WRITE.invokeExact(c, fd, buffer, length);
            return r < 0 ? -errno(c) : r;
        } catch (Throwable t) {
            throw downcall("write", t);
        }
    }

    /** fstat(2) of a descriptor, or null when it fails. */
    public static FileStat fstat(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(CAPTURE);
            MemorySegment st = a.allocate(STAT_SIZE, 8);
            int r = (int) FSTAT.invokeExact(c, fd, st);
            if (r < 0) {
                return null;
            }
            return new FileStat(st.get(JAVA_LONG, 0), st.get(JAVA_LONG, 8), st.get(JAVA_INT, 24),
                    st.get(JAVA_LONG, 48), st.get(JAVA_LONG, 88) * 1_000_000_000L + st.get(JAVA_LONG, 96),
                    st.get(JAVA_LONG, 104) * 1_000_000_000L + st.get(JAVA_LONG, 112));
        } catch (Throwable t) {
            throw downcall("fstat", t);
        }
    }

    /** The path a descriptor of this process refers to ({@code /proc/self/fd/N}), or null. */
    public static String fdPath(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(CAPTURE);
            MemorySegment buf = a.allocate(4097);
            long n = (long) READLINK.invokeExact(c, a.allocateFrom("/proc/self/fd/" + fd, StandardCharsets.US_ASCII), buf, 4097L);
            if (n < 0 || n > 4096) {
                return null;
            }
            return new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        } catch (Throwable t) {
            throw downcall("readlink", t);
        }
    }

    /** The identity of a file's content as the kernel sees it: device, inode, size and change times (ns). */
    public record FileStat(long dev, long ino, int mode, long size, long mtimeNanos, long ctimeNanos) {
    }
}
