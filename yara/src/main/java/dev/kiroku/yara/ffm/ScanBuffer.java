package dev.kiroku.yara.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A native buffer reused across scans, grown (never shrunk below 1 MiB) when a larger one is needed. Used by one thread
 * at a time; its arena is shared so that the owner may be closed from another thread.
 */
final class ScanBuffer implements AutoCloseable {
    private static final long MIN = 1 << 20;

    private Arena arena;
    private MemorySegment buffer;

    /** A slice of exactly {@code size} bytes; valid until the next call. */
    MemorySegment slice(long size) {
        if (buffer == null || buffer.byteSize() < size) {
            close();
            arena = Arena.ofShared();
            buffer = arena.allocate(Math.max(MIN, size), 4096);
        }
        return buffer.asSlice(0, size);
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
            arena = null;
            buffer = null;
        }
    }
}
