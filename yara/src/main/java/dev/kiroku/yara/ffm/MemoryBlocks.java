package dev.kiroku.yara.ffm;

import java.lang.foreign.MemorySegment;

/**
 * A sequence of memory blocks scanned as one target (the readable regions of a process). Blocks are fetched lazily,
 * one at a time, while libyara scans.
 */
public interface MemoryBlocks {
    int count();

    /** The block's address in the target (reported as the match base). */
    long base(int index);

    long size(int index);

    /**
     * Copies block {@code index} into {@code target} ({@code size(index)} bytes long).
     *
     * @return false when the block cannot be read; libyara then skips it
     */
    boolean read(int index, MemorySegment target);
}
