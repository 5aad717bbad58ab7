package dev.kiroku.sensor.linux.procfs;

import dev.kiroku.sensor.linux.ffm.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Small files and links under /proc, read with {@code open}/{@code read}/{@code close} and
 * {@code readlink} into native buffers each thread reuses. The enrichment thread reads a few of
 * them for every process it sees; {@code Files.readAllBytes} cost a channel, a {@code fstat} and,
 * for a process already gone, an exception with its stack trace each time. A missing or unreadable
 * file is {@code null} here, never an exception.
 */
public final class ProcFiles {
    private static final int PATH_MAX = 4096;
    private static final int CHUNK = 16 * 1024;
    private static final int LIMIT = 4 << 20;

    private record Buffers(MemorySegment path, MemorySegment data) {
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(() -> {
        Arena arena = Arena.ofAuto();
        return new Buffers(arena.allocate(PATH_MAX + 1), arena.allocate(CHUNK, 8));
    });

    private ProcFiles() {
    }

    /** The whole content of a file (up to 4 MiB), or null when it cannot be opened or read. */
    public static byte[] read(String path) {
        Buffers buffers = BUFFERS.get();
        if (!putPath(buffers.path(), path)) return null;
        int fd = Libc.openQuietly(buffers.path(), Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0) return null;
        try {
            byte[] content = new byte[0];
            int length = 0;
            while (true) {
                long n = Libc.readQuietly(fd, buffers.data(), CHUNK);
                if (n < 0) return null;
                if (n == 0) return length == content.length ? content : Arrays.copyOf(content, length);
                if (length + n > LIMIT) return null;
                if (length + n > content.length) content = Arrays.copyOf(content, Math.max(length + (int) n, content.length * 2));
                MemorySegment.copy(buffers.data(), JAVA_BYTE, 0, content, length, (int) n);
                length += (int) n;
            }
        } finally {
            Libc.closeQuietly(fd);
        }
    }

    /** The target of a symbolic link (UTF-8), or null when it cannot be read. */
    public static String readLink(String path) {
        Buffers buffers = BUFFERS.get();
        if (!putPath(buffers.path(), path)) return null;
        long n = Libc.readlinkQuietly(buffers.path(), buffers.data(), CHUNK);
        if (n < 0 || n >= CHUNK) return null;
        byte[] target = new byte[(int) n];
        MemorySegment.copy(buffers.data(), JAVA_BYTE, 0, target, 0, (int) n);
        return new String(target, StandardCharsets.UTF_8);
    }

    /**
     * Device, inode, size and modification time of a file (links followed) from one {@code statx},
     * or null when it cannot be read: what identifies one version of a file's content.
     */
    public static FileIdentity identity(String path) {
        Buffers buffers = BUFFERS.get();
        if (!putPath(buffers.path(), path)) return null;
        MemorySegment stat = buffers.data();
        if (Libc.statxQuietly(buffers.path(), stat) != 0) return null;
        // struct statx: stx_ino @32, stx_size @40, stx_mtime {tv_sec i64, tv_nsec u32} @112, stx_dev_major @136, minor @140
        long device = (long) stat.get(JAVA_INT, 136) << 32 | (stat.get(JAVA_INT, 140) & 0xFFFFFFFFL);
        long mtimeNanos = stat.get(JAVA_LONG, 112) * 1_000_000_000L + (stat.get(JAVA_INT, 120) & 0xFFFFFFFFL);
        return new FileIdentity(device, stat.get(JAVA_LONG, 32), stat.get(JAVA_LONG, 40), mtimeNanos);
    }

    /** The path as a NUL-terminated C string; false when it does not fit or holds a NUL. */
    private static boolean putPath(MemorySegment destination, String path) {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > PATH_MAX) return false;
        for (byte b : bytes) {
            if (b == 0) return false;
        }
        MemorySegment.copy(bytes, 0, destination, JAVA_BYTE, 0, bytes.length);
        destination.set(JAVA_BYTE, bytes.length, (byte) 0);
        return true;
    }
}
