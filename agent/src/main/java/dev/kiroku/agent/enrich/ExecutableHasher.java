package dev.kiroku.agent.enrich;

import dev.kiroku.sensor.linux.procfs.FileIdentity;
import dev.kiroku.sensor.linux.procfs.ProcFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * MD5, SHA-1 and SHA-256 of executables, those that run and those just written (one read computes all three, see {@link FileDigests}), cached by (device, inode, size, modification time) so a binary that
 * runs a thousand times is read once, and limited by a byte budget per second so a storm of new
 * large binaries cannot take the agent's CPU. Work skipped for the budget is counted.
 */
public final class ExecutableHasher {
    private static final int CACHE_ENTRIES = 4096;
    /** Largest written executable that is hashed; a bigger one gets no digests and is counted. */
    public static final long WRITTEN_FILE_LIMIT = 32L << 20;

    private final long bytesPerSecond;
    private final InstantSource clock;
    private final Map<FileIdentity, Result.Hashed> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<FileIdentity, Result.Hashed> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };
    private final FileDigests digests = new FileDigests();
    private final AtomicLong skippedForBudget = new AtomicLong();
    private final AtomicLong hashed = new AtomicLong();
    private final AtomicLong writtenNotHashed = new AtomicLong();
    private long windowStartMillis;
    private long bytesInWindow;

    /** @param bytesPerSecond how many bytes of new executables may be read per second */
    public ExecutableHasher(long bytesPerSecond, InstantSource clock) {
        this.bytesPerSecond = bytesPerSecond;
        this.clock = clock;
    }

    /** Why a hash is missing, when it is. */
    public enum Skip { GONE, OVER_BUDGET, OVER_SIZE_LIMIT, UNREADABLE }

    public sealed interface Result {
        /** The executable's digests, lower-case hex. */
        record Hashed(String md5, String sha1, String sha256) implements Result {
            Hashed(FileDigests.Digests d) {
                this(d.md5(), d.sha1(), d.sha256());
            }
        }
        record Skipped(Skip reason) implements Result { }
    }

    private static final Result GONE = new Result.Skipped(Skip.GONE);
    private static final Result OVER_BUDGET = new Result.Skipped(Skip.OVER_BUDGET);
    private static final Result UNREADABLE = new Result.Skipped(Skip.UNREADABLE);

    /** Hashes the file at the path; never throws. Not thread-safe: one enrichment thread calls it. */
    public Result hash(String path) {
        return hash(path, null);
    }

    /**
     * Hashes the file at the path, which had the identity {@code seen} (device, inode, size, modification time) when it
     * ran: a binary hashed before under that identity needs no system call, not even when its path is gone since. Else
     * the file is looked at and read as {@link #hash(String)} does. Never throws; one enrichment thread calls it.
     */
    public Result hash(String path, FileIdentity seen) {
        if (path == null || path.isEmpty()) return GONE;
        if (seen != null) {
            Result.Hashed cached = cache.get(seen);
            if (cached != null) return cached;
        }
        // The key of the file the path names now: device, inode, size and modification time from one statx (FFM).
        FileIdentity key = ProcFiles.identity(path);
        if (key == null) return GONE;
        Result.Hashed cached = cache.get(key);
        if (cached != null) return cached;
        Path file = Path.of(path);
        if (!spend(key.size())) {
            skippedForBudget.incrementAndGet();
            return OVER_BUDGET;
        }
        Result.Hashed digest;
        try {
            digest = new Result.Hashed(digests.of(file));
        } catch (IOException | RuntimeException e) {
            return UNREADABLE;
        }
        cache.put(key, digest);
        hashed.incrementAndGet();
        return digest;
    }

    /**
     * The digests of a file just created or written when it is an executable ({@link ExecutableFiles}), within the
     * same budget as executables that run and up to {@link #WRITTEN_FILE_LIMIT}; null when it is not an executable
     * (or is gone). An executable over the budget or the limit, or unreadable, is a {@link Result.Skipped}, counted in
     * {@link #skippedForBudget()} or {@link #writtenNotHashed()}. Never blocks on anything but the file's own read.
     */
    public Result hashWritten(String path) {
        long size = ExecutableFiles.executableSize(path);
        if (size < 0) return null;
        if (size > WRITTEN_FILE_LIMIT) {
            writtenNotHashed.incrementAndGet();
            return new Result.Skipped(Skip.OVER_SIZE_LIMIT);
        }
        Result result = hash(path);
        // over the budget: counted in skippedForBudget, like an executable that runs
        if (result instanceof Result.Skipped skipped && skipped.reason() == Skip.UNREADABLE) writtenNotHashed.incrementAndGet();
        return result;
    }

    private boolean spend(long bytes) {
        long now = clock.millis();
        if (now - windowStartMillis >= 1000) {
            windowStartMillis = now;
            bytesInWindow = 0;
        }
        if (bytesInWindow > 0 && bytesInWindow + bytes > bytesPerSecond) return false;
        bytesInWindow += bytes;
        return true;
    }

    public long skippedForBudget() {
        return skippedForBudget.get();
    }

    /** Written executables left without digests because of {@link #WRITTEN_FILE_LIMIT} or a failed read. */
    public long writtenNotHashed() {
        return writtenNotHashed.get();
    }

    public long hashedFiles() {
        return hashed.get();
    }
}
