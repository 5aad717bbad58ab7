package dev.kiroku.agent.journal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One segment file: a 16-byte header, then block frames. Knows its blocks (offsets and bounds) so
 * readers can skip by sequence or time without reading the file.
 */
final class Segment {
    static final int MAGIC = 0x4B4A5347; // "KJSG"
    /** Version 2 segments hold blocks of {@link BlockFormat#RECORDS_V1}; version 1 segments (still read) JSON blocks. */
    static final int VERSION = 2;
    static final int OLDEST_READABLE_VERSION = 1;
    static final int HEADER_BYTES = 16;
    private static final Pattern NAME = Pattern.compile("\\d{20}\\.seg");

    /** Where a block frame lies and what its header says. */
    record Block(long offset, BlockFormat.Header header) {
    }

    /** What scanning a segment file found. */
    record Scan(List<Block> blocks, long validEnd, long fileBytes, int damagedRegions, String problem) {
        long tailBytes() {
            return fileBytes - validEnd;
        }
    }

    final Path path;
    final long firstSequence;
    final List<Block> blocks = new ArrayList<>();
    long bytes;

    Segment(Path path, long firstSequence) {
        this.path = path;
        this.firstSequence = firstSequence;
    }

    static String fileName(long firstSequence) {
        return String.format("%020d.seg", firstSequence);
    }

    static boolean isSegmentName(String name) {
        return NAME.matcher(name).matches();
    }

    static ByteBuffer header(long firstSequence) {
        return ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).putInt(VERSION).putLong(firstSequence).flip();
    }

    long lastSequence() {
        return blocks.isEmpty() ? firstSequence - 1 : blocks.getLast().header().lastSequence();
    }

    long maxMillis() {
        long max = Long.MIN_VALUE;
        for (Block b : blocks) max = Math.max(max, b.header().maxMillis());
        return max;
    }

    /** Events in this segment with a sequence above {@code acknowledged}. */
    long unacknowledged(long acknowledged) {
        long count = 0;
        for (Block b : blocks) {
            BlockFormat.Header h = b.header();
            if (h.lastSequence() > acknowledged) count += h.lastSequence() - Math.max(h.firstSequence() - 1, acknowledged);
        }
        return count;
    }

    /**
     * Reads the block frames of a segment file. With {@code verifyCrc} every frame's checksum is
     * checked (for the last segment, where a torn write can be); otherwise only headers are read and
     * checksums are checked when a block is read. A damaged region followed by a good frame is
     * skipped and counted; a damaged region with no good frame after it is the tail.
     */
    static Scan scan(Path path, boolean verifyCrc) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < HEADER_BYTES) return new Scan(List.of(), 0, size, 0, "file shorter than its header");
            if (size > Integer.MAX_VALUE) return new Scan(List.of(), HEADER_BYTES, size, 1, "file larger than 2 GiB");
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            int version = map.getInt(4);
            if (map.getInt(0) != MAGIC || version < OLDEST_READABLE_VERSION || version > VERSION) {
                return new Scan(List.of(), 0, size, 0, map.getInt(0) != MAGIC ? "not a journal segment"
                        : "journal segment version " + version + ", this agent reads versions "
                        + OLDEST_READABLE_VERSION + " to " + VERSION);
            }
            List<Block> blocks = new ArrayList<>();
            int damaged = 0;
            int pos = HEADER_BYTES;
            int validEnd = pos;
            while (pos < size) {
                map.position(pos);
                BlockFormat.Header h = BlockFormat.header(map);
                if (h != null && pos + (long) h.frameBytes() <= size && (!verifyCrc || BlockFormat.crcMatches(map, h))) {
                    blocks.add(new Block(pos, h));
                    pos += h.frameBytes();
                    validEnd = pos;
                    continue;
                }
                int next = resync(map, pos + 1);
                if (next < 0) break;
                damaged++;
                pos = next;
            }
            return new Scan(blocks, validEnd, size, damaged, validEnd < size ? "damaged tail at offset " + validEnd : null);
        }
    }

    /** The offset of the next frame with a good header and checksum at or after {@code from}, or -1. */
    private static int resync(ByteBuffer map, int from) {
        for (int i = from; i + BlockFormat.HEADER_BYTES <= map.limit(); i++) {
            if (map.getInt(i) != BlockFormat.MAGIC) continue;
            map.position(i);
            BlockFormat.Header h = BlockFormat.header(map);
            if (h != null && BlockFormat.crcMatches(map, h)) return i;
        }
        return -1;
    }

    /** Reads one block's frame and returns its uncompressed records. */
    static byte[] read(Path path, Block block) throws IOException, BlockFormat.CorruptBlockException {
        BlockFormat.Header expected = block.header();
        ByteBuffer frame = ByteBuffer.allocate(expected.frameBytes());
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            while (frame.hasRemaining()) {
                if (channel.read(frame, block.offset() + frame.position()) < 0) {
                    throw new EOFException(path + " ends inside the block at offset " + block.offset());
                }
            }
        }
        frame.flip();
        BlockFormat.Header actual = BlockFormat.header(frame);
        if (!expected.equals(actual)) {
            throw new BlockFormat.CorruptBlockException("block header at offset " + block.offset() + " changed");
        }
        if (!BlockFormat.crcMatches(frame, actual)) {
            throw new BlockFormat.CorruptBlockException("block at offset " + block.offset() + " fails its CRC");
        }
        return BlockFormat.records(frame, actual);
    }
}
