package dev.kiroku.agent.journal;

import dev.kiroku.event.Event;

import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * The block being filled: its events' records, encoded as they are appended (so that a flush only
 * compresses and writes), and their sequence and time bounds.
 */
final class BlockBuilder {
    private final EventRecords.Writer records = new EventRecords.Writer();
    private long firstSequence;
    private long minMillis = Long.MAX_VALUE;
    private long maxMillis = Long.MIN_VALUE;

    /** Adds an event whose sequence follows the block's last one. */
    void add(Event event) {
        if (records.records() == 0) firstSequence = event.sequence();
        records.write(event);
        minMillis = Math.min(minMillis, BlockFormat.floorMillis(event.timestamp()));
        maxMillis = Math.max(maxMillis, BlockFormat.ceilMillis(event.timestamp()));
    }

    boolean isEmpty() {
        return records.records() == 0;
    }

    int events() {
        return records.records();
    }

    /** Uncompressed bytes of the records so far. */
    int rawBytes() {
        return records.length();
    }

    /** The block as a frame, compressed with {@code deflater} when not null; the builder is empty afterwards. */
    ByteBuffer seal(Deflater deflater) {
        ByteBuffer frame = BlockFormat.encode(records.buffer(), records.length(), records.records(), firstSequence,
                minMillis, maxMillis, BlockFormat.RECORDS_V1, deflater);
        clear();
        return frame;
    }

    /** Forgets the events added since the last seal. */
    void clear() {
        records.reset();
        minMillis = Long.MAX_VALUE;
        maxMillis = Long.MIN_VALUE;
    }
}
