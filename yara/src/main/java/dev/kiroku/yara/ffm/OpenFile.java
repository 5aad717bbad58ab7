package dev.kiroku.yara.ffm;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A file opened for scanning: read-only, without following a final symlink and without blocking (a FIFO that
 * slipped in after the type check opens at once instead of hanging the scan).
 */
public final class OpenFile implements AutoCloseable {
    private static final int EACCES = 13;
    private static final int ELOOP = 40;

    private final int fd;

    private OpenFile(int fd) {
        this.fd = fd;
    }

    /** @throws IOException naming the path and the reason (permission denied, symbolic link, errno N) */
    public static OpenFile open(Path path) throws IOException {
        int fd = Posix.openForScan(path.toString());
        if (fd < 0) {
            String reason = switch (-fd) {
                case EACCES -> "permission denied";
                case ELOOP -> "symbolic link (not followed)";
                default -> "errno " + -fd;
            };
            throw new IOException("cannot open " + path + ": " + reason);
        }
        return new OpenFile(fd);
    }

    int fd() {
        return fd;
    }

    /**
     * Reads the file from the start into {@code into} (until it is full or the file ends).
     *
     * @return the bytes read
     * @throws IOException naming the errno when the read fails
     */
    public long read(MemorySegment into) throws IOException {
        long n = Posix.readFully(fd, into, 0);
        if (n < 0) {
            throw new IOException("read failed: errno " + -n + (-n == 21 ? " (is a directory)" : ""));
        }
        return n;
    }

    @Override
    public void close() {
        Posix.close(fd);
    }
}
