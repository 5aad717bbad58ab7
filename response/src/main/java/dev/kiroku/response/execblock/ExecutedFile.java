package dev.kiroku.response.execblock;

import dev.kiroku.response.ffm.Sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The file of one execution as the kernel handed it to the exec blocker: its content is read through the event's
 * descriptor, so an inspector reads exactly what is about to run, whatever happens to the path meanwhile.
 *
 * <p>Valid only during {@link ExecInspector#inspect}: the descriptor is closed after the verdict.
 */
public final class ExecutedFile {
    private final int fd;
    private final int pid;
    private final String sha256;
    private final long size;
    private final String path;

    ExecutedFile(int fd, int pid, String sha256, long size, String path) {
        this.fd = fd;
        this.pid = pid;
        this.sha256 = sha256;
        this.size = size;
        this.path = path;
    }

    /** The process that executes it. */
    public int pid() {
        return pid;
    }

    /** The content's SHA-256, hex. */
    public String sha256() {
        return sha256;
    }

    public long size() {
        return size;
    }

    /** The path as the kernel resolved it (ends with " (deleted)" for a deleted file), or null when it could not be read. */
    public String path() {
        return path;
    }

    /** The whole content; refuses files over {@code maxBytes}. */
    public byte[] read(long maxBytes) throws IOException {
        if (size > maxBytes || size > Integer.MAX_VALUE - 8) {
            throw new IOException(path + ": " + size + " bytes is over the limit of " + maxBytes);
        }
        byte[] content = new byte[(int) size];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(Math.max(1, Math.min(size, 1 << 20)));
            long offset = 0;
            while (offset < size) {
                long n = Sys.pread(fd, buffer, Math.min(buffer.byteSize(), size - offset), offset);
                if (n == -Sys.EINTR) continue;
                if (n < 0) throw new IOException(path + ": read failed, errno " + -n);
                if (n == 0) break;
                MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, content, (int) offset, (int) n);
                offset += n;
            }
            if (offset < size) throw new IOException(path + ": shrank while being read (" + offset + " of " + size + " bytes)");
        }
        return content;
    }
}
