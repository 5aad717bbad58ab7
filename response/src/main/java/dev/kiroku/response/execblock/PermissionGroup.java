package dev.kiroku.response.execblock;

import dev.kiroku.response.ffm.Sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One fanotify group of class {@code FAN_CLASS_CONTENT} in fd mode: permission events carry an
 * open descriptor of the file, and every one must be answered with {@link #respond}.
 *
 * <p>Responses may come from any thread. {@link #close} waits for responses in progress and then
 * refuses new ones, so a late answer can never be written to a descriptor number the process has
 * reused for something else. Closing the group makes the kernel allow every event still pending.
 */
final class PermissionGroup implements AutoCloseable {
    static final long FAN_OPEN_PERM = 0x10000L;
    static final long FAN_OPEN_EXEC_PERM = 0x40000L;
    private static final int FAN_CLOEXEC = 0x1;
    private static final int FAN_NONBLOCK = 0x2;
    private static final int FAN_CLASS_CONTENT = 0x4;
    private static final int FAN_MARK_ADD = 0x1;
    private static final int FAN_MARK_REMOVE = 0x2;
    private static final int FAN_MARK_FILESYSTEM = 0x100;
    private static final int FAN_MARK_IGNORED_MASK = 0x20;
    private static final int FAN_MARK_FLUSH = 0x80;
    private static final int FAN_MARK_EVICTABLE = 0x200;
    private static final int FAN_ALLOW = 0x1;
    private static final int FAN_DENY = 0x2;
    private static final int O_RDONLY_LARGEFILE_CLOEXEC = 0x8000 | 0x80000;
    private static final int METADATA_VERSION = 3;
    private static final int BUFFER = 64 * 1024;

    /** One permission event: the descriptor the kernel opened for us, the process, the event bits. */
    record Event(int fd, int pid, long mask) {
        boolean exec() {
            return (mask & FAN_OPEN_EXEC_PERM) != 0;
        }
    }

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer = arena.allocate(BUFFER, 8);
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private PermissionGroup(int fd) {
        this.fd = fd;
    }

    static PermissionGroup open() throws IOException {
        int fd = Sys.fanotifyInit(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK, O_RDONLY_LARGEFILE_CLOEXEC);
        if (fd < 0) {
            throw new IOException("fanotify_init(FAN_CLASS_CONTENT) failed: errno " + -fd
                    + (fd == -1 ? " (EPERM: needs CAP_SYS_ADMIN)" : fd == -22 ? " (EINVAL: kernel without permission events)" : ""));
        }
        return new PermissionGroup(fd);
    }

    /** Exec-permission events for every file on the filesystem holding {@code path}. */
    void markFilesystem(Path path) throws IOException {
        int rc = Sys.fanotifyMark(fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_OPEN_EXEC_PERM, path.toString());
        if (rc < 0) {
            throw new IOException("fanotify_mark(FAN_MARK_FILESYSTEM, " + path + ") failed: errno " + -rc);
        }
    }

    /** Open-permission events for one file (an inode mark); 0 or -errno. */
    int markFile(Path path) {
        return Sys.fanotifyMark(fd, FAN_MARK_ADD, FAN_OPEN_PERM, path.toString());
    }

    /** Removes the open-permission mark of one file; 0 or -errno. */
    int unmarkFile(Path path) {
        return Sys.fanotifyMark(fd, FAN_MARK_REMOVE, FAN_OPEN_PERM, path.toString());
    }

    /**
     * Lets future execs of the file behind an event descriptor pass in the kernel, without an event:
     * an evictable inode mark whose ignored mask holds {@code FAN_OPEN_EXEC_PERM}. The kernel drops
     * the ignored mask when the file is modified (no {@code FAN_MARK_IGNORED_SURV_MODIFY}), and an
     * evictable mark does not pin the inode in memory. Returns 0 or -errno.
     */
    int ignoreExecs(int eventFd) {
        return Sys.fanotifyMarkFd(fd, FAN_MARK_ADD | FAN_MARK_IGNORED_MASK | FAN_MARK_EVICTABLE, FAN_OPEN_EXEC_PERM, eventFd);
    }

    /** Removes every inode mark of the group: the exec ignore marks and the open guards. 0 or -errno. */
    int flushInodeMarks() {
        return Sys.fanotifyMark(fd, FAN_MARK_FLUSH, 0L, "/");
    }

    /**
     * Removes every mark of the group (filesystems, open guards, ignore marks): no new event is queued
     * after this returns. Closing alone is not enough, because the kernel releases a group only with its
     * last reference, and a process this JVM is spawning holds one until its exec passes the permission
     * check (close-on-exec happens after it); if that exec waits for this group, nothing would ever answer.
     */
    void removeAllMarks() {
        Sys.fanotifyMark(fd, FAN_MARK_FLUSH | FAN_MARK_FILESYSTEM, 0L, "/");
        Sys.fanotifyMark(fd, FAN_MARK_FLUSH, 0L, "/");
    }

    /** The group's descriptor number, for tests that show what another holder of the group sees. */
    int descriptor() {
        return fd;
    }

    /**
     * Waits up to {@code pollMillis} and returns the queued events (empty on timeout). Only the
     * reader thread calls this.
     */
    List<Event> read(int pollMillis) throws IOException {
        List<Event> events = new ArrayList<>();
        int ready = Sys.pollIn(fd, pollMillis);
        if (ready <= 0) {
            if (ready < 0 && ready != -Sys.EINTR) {
                throw new IOException("poll on fanotify group failed: errno " + -ready);
            }
            return events;
        }
        long n = Sys.read(fd, buffer, BUFFER);
        if (n < 0) {
            if (n == -Sys.EAGAIN || n == -Sys.EINTR) {
                return events;
            }
            throw new IOException("read on fanotify group failed: errno " + -n);
        }
        long offset = 0;
        while (offset + 24 <= n) {
            int length = buffer.get(JAVA_INT, offset);
            byte version = buffer.get(JAVA_BYTE, offset + 4);
            if (length < 24 || version != METADATA_VERSION) {
                throw new IOException("unexpected fanotify metadata (length " + length + ", version " + version + ")");
            }
            long mask = buffer.get(JAVA_LONG, offset + 8);
            int eventFd = buffer.get(JAVA_INT, offset + 16);
            int pid = buffer.get(JAVA_INT, offset + 20);
            short metadataLength = buffer.get(JAVA_SHORT, offset + 6);
            if (metadataLength >= 24) {
                events.add(new Event(eventFd, pid, mask));
            }
            offset += length;
        }
        return events;
    }

    /** Answers one event; returns false when the group is already closed (the kernel allowed it then). */
    boolean respond(int eventFd, boolean allow) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                return false;
            }
            try (Arena call = Arena.ofConfined()) {
                MemorySegment response = call.allocate(8, 4);
                response.set(JAVA_INT, 0, eventFd);
                response.set(JAVA_INT, 4, allow ? FAN_ALLOW : FAN_DENY);
                return Sys.write(fd, response, 8) == 8;
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            Sys.close(fd);
        } finally {
            lifecycle.writeLock().unlock();
        }
        arena.close();
    }
}
