package dev.kiroku.agent.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends block frames to the active segment, rolling to a new one by size. A failed write leaves
 * no trace in the index: the segment is cut back to its last good block, or abandoned when even
 * that fails (the damaged tail is then cut off at the next open).
 */
final class SegmentWriter {
    private final Path dir;
    private final ChannelOpener opener;
    private final long segmentBytes;
    private final boolean fsync;
    private Segment active;
    private FileChannel channel;
    private boolean unsynced;
    private boolean directoryChanged;
    /** The channel a sync taken by {@link #takeSync} is forcing outside the journal's lock, or null. */
    private FileChannel syncing;

    SegmentWriter(Path dir, ChannelOpener opener, long segmentBytes, boolean fsync) {
        this.dir = dir;
        this.opener = opener;
        this.segmentBytes = segmentBytes;
        this.fsync = fsync;
    }

    /**
     * Writes one frame. Returns the segment written to; when it is a new segment the caller adds it
     * to its index. The frame's block is added to the segment's blocks only once fully written.
     */
    Segment write(ByteBuffer frame, BlockFormat.Header header) throws IOException {
        if (active != null && active.bytes + frame.remaining() > segmentBytes) roll();
        if (active == null) return create(frame, header);
        long offset = active.bytes;
        try {
            writeFully(frame, offset);
        } catch (IOException e) {
            cutBack();
            throw e;
        }
        active.blocks.add(new Segment.Block(offset, header));
        active.bytes += header.frameBytes();
        unsynced = true;
        return active;
    }

    boolean isActive(Segment segment) {
        return segment == active;
    }

    /** Forces written blocks (and new segment names) to the device when the durability asks for it. */
    void sync() throws IOException {
        if (!fsync) return;
        if (owesForce() && channel != null) channel.force(false);
        unsynced = false;
        if (directoryChanged) Cursor.syncDirectory(dir);
        directoryChanged = false;
    }

    /**
     * What {@link #sync} would do now, taken to be run by {@link #run} without the journal's lock
     * (so that appends go on while the device syncs): null when nothing is owed. Until
     * {@link #taken} is called, a roll or a sync forces the channel itself again, so that no
     * caller learns "synced" before the data is.
     */
    PendingSync takeSync() {
        if (!fsync || (!unsynced && !directoryChanged)) return null;
        PendingSync sync = new PendingSync(unsynced ? channel : null, directoryChanged);
        unsynced = false;
        directoryChanged = false;
        syncing = sync.channel();
        return sync;
    }

    /**
     * Runs a sync taken by {@link #takeSync}; safe without the journal's lock. A channel closed
     * meanwhile was closed by a roll, which forced it first.
     */
    void run(PendingSync sync) throws IOException {
        if (sync.channel() != null) {
            try {
                sync.channel().force(false);
            } catch (ClosedChannelException forcedByTheRoll) {
                // roll() forced the channel before it closed it
            }
        }
        if (sync.directory()) Cursor.syncDirectory(dir);
    }

    /** Back under the journal's lock after {@link #run}: a failed sync is owed again. */
    void taken(PendingSync sync, boolean failed) {
        syncing = null;
        if (!failed) return;
        if (sync.channel() != null && sync.channel() == channel) unsynced = true;
        if (sync.directory()) directoryChanged = true;
    }

    /** A sync taken by {@link #takeSync} (a channel to force, the directory to sync). */
    record PendingSync(FileChannel channel, boolean directory) {
    }

    private boolean owesForce() {
        return unsynced || (syncing != null && syncing == channel);
    }

    /** Closes the active segment; the next write starts a new one. */
    void roll() throws IOException {
        if (channel == null) return;
        try {
            if (fsync && owesForce()) channel.force(false);
        } finally {
            unsynced = false;
            closeQuietly();
        }
    }

    private Segment create(ByteBuffer frame, BlockFormat.Header header) throws IOException {
        long first = header.firstSequence();
        Path path = dir.resolve(Segment.fileName(first));
        channel = opener.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            writeFully(Segment.header(first), 0);
            writeFully(frame, Segment.HEADER_BYTES);
        } catch (IOException e) {
            closeQuietly();
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // A stray file is cut off or overwritten when the journal opens next.
            }
            throw e;
        }
        active = new Segment(path, first);
        active.blocks.add(new Segment.Block(Segment.HEADER_BYTES, header));
        active.bytes = Segment.HEADER_BYTES + (long) header.frameBytes();
        unsynced = true;
        directoryChanged = true;
        return active;
    }

    private void writeFully(ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) at += channel.write(buffer, at);
    }

    private void cutBack() {
        try {
            channel.truncate(active.bytes);
        } catch (IOException | RuntimeException e) {
            closeQuietly();
        }
    }

    void close() throws IOException {
        roll();
    }

    private void closeQuietly() {
        try {
            if (channel != null) channel.close();
        } catch (IOException ignored) {
            // Nothing more can be done with this channel.
        }
        channel = null;
        active = null;
    }
}
