package dev.kiroku.agent.journal;

import dev.kiroku.event.Event;
import dev.kiroku.event.LossReport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.Deflater;

/**
 * The agent's flight recorder: a durable, segmented, compressed log of events on local disk.
 * <p>
 * {@link #append} assigns the next sequence and buffers the event; buffered events are written as
 * one compressed block when the block is full, every {@link JournalConfig#flushInterval()} and on
 * {@link #flush()}. Readers ({@link #readFrom}, {@link #readRange}) see every appended event,
 * written or not. Thread-safe. See JOURNAL.md for the format and what survives a crash.
 */
public final class Journal implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Journal.class.getName());
    /** How many written events {@link #recent} keeps (one block at the default block size). */
    static final int RECENT_EVENTS = 4096;

    private final Path dir;
    private final JournalConfig config;
    private final InstantSource clock;
    private final ChannelOpener opener;
    private final DirectoryLock lock;
    private final SegmentWriter writer;
    private final Deflater deflater;
    private final ReadProblems problems;
    private final TreeMap<Long, Segment> segments;
    /** Appended events not yet on disk, in sequence order: those of {@link #unwritten} then those of {@link #building}. */
    private final ArrayList<Event> pending = new ArrayList<>();
    /** The records of the newest pending events, encoded as they were appended. */
    private final BlockBuilder building = new BlockBuilder();
    /** Sealed blocks a failing disk has not taken yet, oldest first. */
    private final ArrayDeque<ByteBuffer> unwritten = new ArrayDeque<>();
    /**
     * The last events written, in sequence order and followed by {@link #pending} without a gap:
     * the shipper reads what was just written from here instead of inflating and decoding the
     * block again (it reads batches smaller than a block, so each block would be decoded repeatedly).
     */
    private final RecentEvents recent = new RecentEvents(RECENT_EVENTS);
    private final ScheduledExecutorService flusher;
    private long totalBytes;
    private long nextSequence;
    private final long truncatedBytes;
    private Cursor cursor;
    private boolean cursorDirty;
    /** An acknowledgement not yet in the cursor file (see {@link #acknowledge}). */
    private boolean acknowledgedUnpersisted;
    private long cursorWrittenAtMillis = Long.MIN_VALUE / 2;
    /** How often acknowledgements are written to the cursor file at most. */
    static final java.time.Duration ACKNOWLEDGED_PERSIST_INTERVAL = java.time.Duration.ofSeconds(1);
    private JournalStatus.State state = JournalStatus.State.OK;
    private String lastError;
    private Instant retryAt = Instant.MIN;
    private long droppedSinceReport;
    private Instant dropFrom;
    private Instant dropTo;
    private String agentId = "unknown";
    private String hostName = "";

    private Journal(Path dir, JournalConfig config, InstantSource clock, ChannelOpener opener, DirectoryLock lock,
                    JournalRecovery recovery) {
        this.dir = dir;
        this.config = config;
        this.clock = clock;
        this.opener = opener;
        this.lock = lock;
        this.problems = recovery.problems();
        this.segments = recovery.segments();
        this.cursor = recovery.cursor();
        this.truncatedBytes = recovery.truncatedBytes();
        this.lastError = recovery.problems().last();
        for (Segment s : segments.values()) totalBytes += s.bytes;
        long last = segments.isEmpty() ? 0 : segments.lastEntry().getValue().lastSequence();
        this.nextSequence = Math.max(last, cursor.acknowledged()) + 1;
        this.writer = new SegmentWriter(dir, opener, config.segmentBytes(),
                config.durability() == JournalConfig.Durability.POWER_LOSS);
        this.deflater = config.compressionLevel() == 0 ? null : new Deflater(config.compressionLevel());
        long interval = config.flushInterval().toNanos();
        this.flusher = interval == 0 ? null : Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("kiroku-journal-flush").factory());
        if (flusher != null) flusher.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.NANOSECONDS);
    }

    /** Opens (creating when needed) the journal in {@code dir}, cutting off a torn tail. */
    public static Journal open(Path dir, JournalConfig config, InstantSource clock) throws IOException {
        return open(dir, config, clock, ChannelOpener.system());
    }

    /** As {@link #open(Path, JournalConfig, InstantSource)}, writing through {@code opener}. */
    public static Journal open(Path dir, JournalConfig config, InstantSource clock, ChannelOpener opener)
            throws IOException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(opener, "opener");
        DirectoryLock lock = DirectoryLock.acquire(dir);
        try {
            Journal journal = new Journal(dir, config, clock, opener, lock, JournalRecovery.recover(dir));
            synchronized (journal) {
                journal.enforceLimits();
            }
            return journal;
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Stores an event under the next sequence and returns it with that sequence. Never throws for
     * a failing disk: while writes fail, events are buffered up to
     * {@link JournalConfig#maxBufferedEvents()}, then dropped, counted and returned with sequence 0.
     *
     * @throws IllegalStateException when the journal is closed
     */
    public synchronized Event append(Event event) {
        Objects.requireNonNull(event, "event");
        requireOpen();
        agentId = event.agentId();
        hostName = event.hostName();
        if (state != JournalStatus.State.OK && !clock.instant().isBefore(retryAt)) writePending();
        if (state != JournalStatus.State.OK && pending.size() >= config.maxBufferedEvents()) {
            drop(event);
            return event.withSequence(0);
        }
        Event stored = enqueue(event);
        if (building.rawBytes() >= config.blockBytes() || building.events() >= config.flushEvents()) {
            unwritten.addLast(building.seal(deflater));
            if (state == JournalStatus.State.OK) writePending();
        }
        return stored;
    }

    /** Writes buffered events now (and fsyncs when configured), and the cursor; retries a failing disk. */
    public synchronized void flush() {
        if (writeAndSync() && (cursorDirty || acknowledgedUnpersisted)) persistCursor();
    }

    /** Writes buffered events and fsyncs them when configured; false when the disk failed. */
    private boolean writeAndSync() {
        if (state == JournalStatus.State.CLOSED) return false;
        if (!writePending()) return false;
        try {
            writer.sync();
        } catch (IOException e) {
            writeFailed(e);
            return false;
        }
        return true;
    }

    /**
     * Records that the server holds every event up to {@code sequence}; persisted atomically, at
     * most once per {@link #ACKNOWLEDGED_PERSIST_INTERVAL} (a shipper acknowledges several batches a
     * second, and each persist costs two fsyncs), and at {@link #flush} and close. After a crash the
     * acknowledgements of the last second at most are lost: those events ship again, and the server
     * drops them as duplicates (same agent and sequence). Acknowledging less than before is ignored.
     */
    public synchronized void acknowledge(long sequence) {
        requireOpen();
        if (sequence < 0 || sequence >= nextSequence) {
            throw new IllegalArgumentException("cannot acknowledge sequence " + sequence
                    + ": the journal has assigned sequences 1 to " + (nextSequence - 1));
        }
        if (sequence <= cursor.acknowledged()) return;
        cursor = new Cursor(sequence, cursor.lostToCap(), cursor.droppedWhileFull());
        acknowledgedUnpersisted = true;
        persistAcknowledgedIfDue();
    }

    private void persistAcknowledgedIfDue() {
        if (acknowledgedUnpersisted && clock.millis() - cursorWrittenAtMillis >= ACKNOWLEDGED_PERSIST_INTERVAL.toMillis()) {
            persistCursor();
        }
    }

    /** Up to {@code maxEvents} events with sequence at or after {@code sequence}, in order. */
    public Batch readFrom(long sequence, int maxEvents) {
        if (maxEvents < 1) throw new IllegalArgumentException("maxEvents must be at least 1, got " + maxEvents);
        if (sequence < 0) throw new IllegalArgumentException("sequence must not be negative, got " + sequence);
        List<Located> blocks = new ArrayList<>();
        List<Event> memory;
        synchronized (this) {
            requireOpen();
            if (!recent.isEmpty() && sequence >= recent.firstSequence()) return fromMemory(sequence, maxEvents);
            Long start = segments.floorKey(sequence);
            for (Segment s : (start == null ? segments : segments.tailMap(start, true)).values()) {
                for (Segment.Block b : s.blocks) {
                    if (b.header().lastSequence() >= sequence) blocks.add(new Located(s.path, b));
                }
            }
            memory = pending.stream().filter(e -> e.sequence() >= sequence).limit(maxEvents).toList();
        }
        List<Event> out = new ArrayList<>();
        for (Located block : blocks) {
            for (Event e : read(block)) {
                if (out.size() == maxEvents) break;
                if (e.sequence() >= sequence) out.add(e);
            }
            if (out.size() == maxEvents) break;
        }
        for (Event e : memory) {
            if (out.size() == maxEvents) break;
            out.add(e);
        }
        return new Batch(out, out.isEmpty() ? sequence : out.getLast().sequence() + 1);
    }

    /** Events at or after {@code sequence} from {@link #recent} and {@link #pending}, which hold all of them. */
    private Batch fromMemory(long sequence, int maxEvents) {
        List<Event> out = new ArrayList<>(Math.min(maxEvents, recent.size() + pending.size()));
        recent.copyFrom(sequence, maxEvents, out);
        for (Event e : pending) {
            if (out.size() == maxEvents) break;
            if (e.sequence() >= sequence) out.add(e);
        }
        return new Batch(out, out.isEmpty() ? sequence : out.getLast().sequence() + 1);
    }

    /**
     * Events with {@code from <= timestamp < to}, in sequence order, read lazily block by block;
     * blocks whose time bounds miss the range are not read.
     */
    public Stream<Event> readRange(Instant from, Instant to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (from.isAfter(to)) throw new IllegalArgumentException("time range starts (" + from + ") after it ends (" + to + ")");
        long fromMillis = BlockFormat.floorMillis(from);
        long toMillis = BlockFormat.ceilMillis(to);
        List<Located> blocks = new ArrayList<>();
        List<Event> memory;
        synchronized (this) {
            requireOpen();
            for (Segment s : segments.values()) {
                for (Segment.Block b : s.blocks) {
                    if (b.header().maxMillis() >= fromMillis && b.header().minMillis() <= toMillis) {
                        blocks.add(new Located(s.path, b));
                    }
                }
            }
            memory = List.copyOf(pending);
        }
        return Stream.concat(blocks.stream().flatMap(b -> read(b).stream()), memory.stream())
                .filter(e -> !e.timestamp().isBefore(from) && e.timestamp().isBefore(to));
    }

    public synchronized JournalStatus status() {
        long first = segments.isEmpty() || segments.firstEntry().getValue().blocks.isEmpty()
                ? (pending.isEmpty() ? 0 : pending.getFirst().sequence())
                : segments.firstEntry().getValue().blocks.getFirst().header().firstSequence();
        return new JournalStatus(state, segments.size(), totalBytes, first, nextSequence - 1, cursor.acknowledged(),
                pending.size(), cursor.lostToCap(), cursor.droppedWhileFull(), problems.corruptBlocks(),
                problems.undecodableEvents(), truncatedBytes, lastError != null ? lastError : problems.last());
    }

    /** Flushes what it can, persists the cursor and releases the directory. */
    @Override
    public void close() throws IOException {
        if (flusher != null) {
            flusher.shutdown();
            try {
                flusher.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (state == JournalStatus.State.CLOSED) return;
            flush();
            if (!pending.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "journal " + dir + " closes with " + pending.size()
                        + " events it could not write: " + lastError);
                cursor = new Cursor(cursor.acknowledged(), cursor.lostToCap(), cursor.droppedWhileFull() + pending.size());
                pending.clear();
                unwritten.clear();
                building.clear();
                persistCursor();
            }
            try {
                writer.close();
            } finally {
                state = JournalStatus.State.CLOSED;
                if (deflater != null) deflater.end();
                lock.close();
            }
        }
    }

    /**
     * The flusher's periodic work: write what is buffered, retry a failing disk, apply retention.
     * The device sync runs without the lock, so that the recorder's appends do not wait for the
     * disk; the cursor is persisted only after the sync succeeded.
     */
    private void tick() {
        SegmentWriter.PendingSync sync;
        synchronized (this) {
            if (state == JournalStatus.State.CLOSED) return;
            try {
                if (state != JournalStatus.State.OK && clock.instant().isBefore(retryAt)) return;
                if (!writePending()) return;
                sync = writer.takeSync();
            } catch (RuntimeException e) {
                flushFailed(e);
                return;
            }
        }
        IOException failure = null;
        if (sync != null) {
            try {
                writer.run(sync);
            } catch (IOException e) {
                failure = e;
            }
        }
        synchronized (this) {
            if (sync != null) writer.taken(sync, failure != null);
            if (state == JournalStatus.State.CLOSED) return;
            try {
                if (failure != null) {
                    writeFailed(failure);
                    return;
                }
                if (cursorDirty) persistCursor();
                else persistAcknowledgedIfDue();
                if (state == JournalStatus.State.OK) enforceLimits();
            } catch (RuntimeException e) {
                flushFailed(e);
            }
        }
    }

    private void flushFailed(RuntimeException e) {
        lastError = "journal flush failed: " + e;
        LOG.log(System.Logger.Level.ERROR, lastError, e);
    }

    private Event enqueue(Event event) {
        Event stored = event.withSequence(nextSequence);
        building.add(stored);
        nextSequence++;
        pending.add(stored);
        return stored;
    }

    /**
     * Writes every buffered event (sealing the block being built, and a loss report that writing
     * adds); false when the disk refused (state then says why).
     */
    private boolean writePending() {
        while (true) {
            if (unwritten.isEmpty()) {
                if (building.isEmpty()) return true;
                unwritten.addLast(building.seal(deflater));
            }
            ByteBuffer frame = unwritten.peekFirst();
            BlockFormat.Header header = BlockFormat.header(frame);
            try {
                Segment segment = writer.write(frame.duplicate(), header);
                if (segments.putIfAbsent(segment.firstSequence, segment) == null) totalBytes += Segment.HEADER_BYTES;
                totalBytes += header.frameBytes();
            } catch (IOException e) {
                writeFailed(e);
                return false;
            }
            unwritten.removeFirst();
            int n = header.eventCount();
            for (int i = 0; i < n; i++) {
                recent.add(pending.get(i));
            }
            pending.subList(0, n).clear();
            if (state != JournalStatus.State.OK) resumed();
            enforceCap();
        }
    }

    private void writeFailed(IOException e) {
        String message = String.valueOf(e.getMessage());
        boolean full = message.contains("No space left") || message.contains("Disk quota exceeded");
        JournalStatus.State next = full ? JournalStatus.State.DISK_FULL : JournalStatus.State.WRITE_FAILED;
        if (state != next) LOG.log(System.Logger.Level.ERROR, "journal " + dir + " cannot write: " + e);
        state = next;
        lastError = "write failed: " + e;
        retryAt = clock.instant().plus(config.retryInterval());
    }

    private void resumed() {
        state = JournalStatus.State.OK;
        LOG.log(System.Logger.Level.INFO, "journal " + dir + " writes again after: " + lastError);
        if (droppedSinceReport > 0) {
            enqueue(Event.of(agentId, clock.instant(), hostName,
                    new LossReport("journal", droppedSinceReport, dropFrom, dropTo, "disk refused writes: " + lastError)));
            droppedSinceReport = 0;
            cursorDirty = true;
        }
    }

    private void drop(Event event) {
        if (droppedSinceReport == 0) dropFrom = event.timestamp();
        dropFrom = event.timestamp().isBefore(dropFrom) ? event.timestamp() : dropFrom;
        dropTo = droppedSinceReport == 0 || event.timestamp().isAfter(dropTo) ? event.timestamp() : dropTo;
        droppedSinceReport++;
        cursor = new Cursor(cursor.acknowledged(), cursor.lostToCap(), cursor.droppedWhileFull() + 1);
        cursorDirty = true;
    }

    private void enforceLimits() {
        enforceCap();
        Instant horizon = clock.instant().minus(config.retention());
        long horizonMillis = BlockFormat.floorMillis(horizon);
        while (segments.size() > 1) {
            Segment oldest = segments.firstEntry().getValue();
            if (writer.isActive(oldest) || oldest.maxMillis() >= horizonMillis
                    || oldest.lastSequence() > cursor.acknowledged()) {
                break;
            }
            delete(oldest);
        }
    }

    /** Deletes the oldest segments while over the cap, counting their unacknowledged events as lost. */
    private void enforceCap() {
        while (totalBytes > config.maxBytes() && segments.size() > 1) {
            Segment oldest = segments.firstEntry().getValue();
            if (writer.isActive(oldest)) break;
            long lost = oldest.unacknowledged(cursor.acknowledged());
            if (!delete(oldest)) break;
            if (lost > 0) {
                cursor = new Cursor(cursor.acknowledged(), cursor.lostToCap() + lost, cursor.droppedWhileFull());
                cursorDirty = true;
                Instant from = Instant.ofEpochMilli(oldest.blocks.stream().mapToLong(b -> b.header().minMillis()).min().orElse(0));
                Instant to = Instant.ofEpochMilli(oldest.maxMillis());
                enqueue(Event.of(agentId, clock.instant(), hostName,
                        new LossReport("journal", lost, from, to, "journal size cap of " + config.maxBytes()
                                + " bytes reached before the server acknowledged them")));
                lastError = "size cap deleted " + lost + " unacknowledged events of " + oldest.path.getFileName();
                LOG.log(System.Logger.Level.WARNING, "journal " + dir + ": " + lastError);
            }
        }
    }

    private boolean delete(Segment segment) {
        try {
            java.nio.file.Files.deleteIfExists(segment.path);
        } catch (IOException e) {
            lastError = "cannot delete " + segment.path + ": " + e;
            return false;
        }
        segments.remove(segment.firstSequence);
        totalBytes -= segment.bytes;
        recent.removeThrough(segment.lastSequence());
        return true;
    }

    private void persistCursor() {
        try {
            cursor.write(dir, opener);
            cursorDirty = false;
            acknowledgedUnpersisted = false;
            cursorWrittenAtMillis = clock.millis();
        } catch (IOException e) {
            cursorDirty = true;
            lastError = "cannot persist the acknowledged cursor: " + e;
        }
    }

    private List<Event> read(Located block) {
        String where = block.path().getFileName() + "@" + block.block().offset();
        List<Event> events = new ArrayList<>(block.block().header().eventCount());
        try {
            byte[] records = Segment.read(block.path(), block.block());
            BlockFormat.decode(records, block.block().header(), new BlockFormat.EventReceiver() {
                @Override
                public void event(Event event) {
                    events.add(event);
                }

                @Override
                public void undecodable(long sequence, String problem) {
                    problems.undecodableEvent(sequence, where, problem);
                }
            });
        } catch (NoSuchFileException e) {
            return List.of(); // deleted by retention or the cap since the read began
        } catch (IOException | BlockFormat.CorruptBlockException e) {
            problems.corruptBlock(where, e.getMessage());
            return List.of();
        }
        return events;
    }

    private void requireOpen() {
        if (state == JournalStatus.State.CLOSED) throw new IllegalStateException("journal " + dir + " is closed");
    }

    /** A block and the file it is in. */
    private record Located(Path path, Segment.Block block) {
    }

    /** For tests: the segments' first sequences and files. */
    synchronized Map<Long, Path> segmentFiles() {
        Map<Long, Path> files = new TreeMap<>();
        segments.forEach((k, v) -> files.put(k, v.path));
        return files;
    }
}
