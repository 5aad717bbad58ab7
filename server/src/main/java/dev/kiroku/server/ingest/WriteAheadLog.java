package dev.kiroku.server.ingest;

import dev.kiroku.event.Event;
import dev.kiroku.event.EventCodec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The ingest's write-ahead log: each batch the store appended is written here and fsync'ed before
 * the agent gets its acknowledgement, so the store itself needs to commit only every few seconds.
 * After a crash the log's batches are appended again (the store keeps each (agent, sequence) once).
 *
 * <p>The log is a series of segment files {@code <number>.wal}. A checkpoint seals the current
 * segment ({@link #seal()}), commits the store, and deletes the sealed segments ({@link #delete}).
 * Concurrent batches share fsyncs: one caller syncs for everyone who wrote before it started.
 *
 * <p>A record is {@code [int length][int crc32c][payload]}, the payload {@code [int count]} and per event
 * {@code [int length][event codec bytes]}. Replay stops at the first torn or corrupt record of a
 * segment: a crash in the middle of a write, whose batch was never acknowledged.
 */
final class WriteAheadLog implements AutoCloseable {
    private static final String SUFFIX = ".wal";

    private final Path directory;
    private final List<Path> sealed = new ArrayList<>();
    private FileChannel current;
    private Path currentPath;
    private long nextNumber;
    private long written;
    private long durable;
    private boolean syncing;
    private long syncs;

    private WriteAheadLog(Path directory, List<Path> leftovers, long nextNumber) {
        this.directory = directory;
        this.sealed.addAll(leftovers);
        this.nextNumber = nextNumber;
    }

    /** Opens the log in {@code directory}; segments left by an earlier run are {@link #sealedSegments() sealed}, to replay. */
    static WriteAheadLog open(Path directory) throws IOException {
        Files.createDirectories(directory);
        List<Path> leftovers;
        try (Stream<Path> files = Files.list(directory)) {
            leftovers = files.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
                    .sorted(Comparator.comparingLong(WriteAheadLog::number)).toList();
        }
        long next = leftovers.isEmpty() ? 1 : number(leftovers.getLast()) + 1;
        WriteAheadLog log = new WriteAheadLog(directory, leftovers, next);
        synchronized (log) {
            log.startSegment();
        }
        return log;
    }

    private static long number(Path segment) {
        String name = segment.getFileName().toString();
        try {
            return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("unexpected file in the write-ahead log " + segment.getParent() + ": " + name, e);
        }
    }

    private void startSegment() throws IOException {
        currentPath = directory.resolve(String.format("%016d%s", nextNumber++, SUFFIX));
        current = FileChannel.open(currentPath, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true); // the new file's name is durable before any acknowledgement depends on it
        }
    }

    /**
     * Writes a batch, each event in the codec's bytes (not yet durable); the returned ticket is passed to {@link #awaitDurable}.
     *
     * @throws IOException when the disk refuses the write; the log is left as before the call
     */
    long append(List<byte[]> events) throws IOException {
        ByteBuffer record = record(events);
        synchronized (this) {
            long start = current.position();
            try {
                while (record.hasRemaining()) current.write(record);
            } catch (IOException e) {
                current.truncate(start); // no torn record in front of the next batch
                current.position(start);
                throw e;
            }
            written += record.limit();
            return written;
        }
    }

    /** Returns once everything written up to {@code ticket} is on disk. */
    void awaitDurable(long ticket) throws IOException, InterruptedException {
        FileChannel channel;
        long target;
        synchronized (this) {
            while (true) {
                if (durable >= ticket) return;
                if (!syncing) break;
                wait();
            }
            syncing = true;
            channel = current;
            target = written;
            syncs++;
        }
        boolean synced = false;
        try {
            channel.force(false);
            synced = true;
        } finally {
            synchronized (this) {
                syncing = false;
                if (synced) durable = Math.max(durable, target);
                notifyAll();
            }
        }
    }

    /** Fsyncs made for acknowledgements so far (each shared by every batch waiting for it). */
    synchronized long syncs() {
        return syncs;
    }

    /**
     * Closes the current segment and starts a new one. Every batch the store appended before this
     * call is in a sealed segment (batches are appended to the store before they are written here).
     *
     * @return the sealed segments not yet deleted, oldest first
     */
    synchronized List<Path> seal() throws IOException, InterruptedException {
        if (current.position() == 0 && !sealed.isEmpty()) return List.copyOf(sealed);
        if (current.position() == 0) return List.of();
        while (syncing) wait();
        current.force(false);
        durable = written;
        current.close();
        sealed.add(currentPath);
        startSegment();
        return List.copyOf(sealed);
    }

    /** Segments sealed and not yet deleted (left by a crash, or whose checkpoint failed), oldest first. */
    synchronized List<Path> sealedSegments() {
        return List.copyOf(sealed);
    }

    /** Deletes sealed segments whose batches the store has committed. */
    synchronized void delete(List<Path> segments) throws IOException {
        for (Path segment : segments) {
            Files.deleteIfExists(segment);
            sealed.remove(segment);
        }
    }

    /** Hands each complete batch of a segment to {@code batches}, oldest first; returns the events read. */
    static long replay(Path segment, Consumer<List<Event>> batches) throws IOException {
        long events = 0;
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(8);
            while (true) {
                header.clear();
                if (readFully(channel, header) < 8) break;
                int length = header.getInt(0);
                int crc = header.getInt(4);
                if (length < 4 || length > channel.size() - channel.position()) break;
                ByteBuffer payload = ByteBuffer.allocate(length);
                if (readFully(channel, payload) < length || checksum(payload.array(), length) != crc) break;
                List<Event> batch = decode(payload.flip());
                events += batch.size();
                batches.accept(batch);
            }
        }
        return events;
    }

    private static int readFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) break;
        }
        return buffer.position();
    }

    /** The events in the codec's bytes, as {@link #append} takes them. */
    static List<byte[]> encode(List<Event> events) {
        List<byte[]> encoded = new ArrayList<>(events.size());
        for (Event event : events) encoded.add(EventCodec.encode(event));
        return encoded;
    }

    private static ByteBuffer record(List<byte[]> encoded) {
        int length = 4;
        for (byte[] bytes : encoded) length += 4 + bytes.length;
        ByteBuffer record = ByteBuffer.allocate(8 + length);
        record.putInt(length).putInt(0).putInt(encoded.size());
        for (byte[] bytes : encoded) record.putInt(bytes.length).put(bytes);
        record.putInt(4, checksum(record.array(), 8, length));
        return record.flip();
    }

    private static List<Event> decode(ByteBuffer payload) {
        int count = payload.getInt();
        List<Event> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = payload.getInt();
            events.add(EventCodec.decode(payload.array(), payload.position(), length));
            payload.position(payload.position() + length);
        }
        return events;
    }

    private static int checksum(byte[] bytes, int length) {
        return checksum(bytes, 0, length);
    }

    private static int checksum(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    /** Closes the current segment; an empty one is removed. */
    @Override
    public synchronized void close() throws IOException {
        if (!current.isOpen()) return;
        boolean empty = current.position() == 0;
        current.force(false);
        current.close();
        if (empty) Files.deleteIfExists(currentPath);
        else sealed.add(currentPath);
    }
}
