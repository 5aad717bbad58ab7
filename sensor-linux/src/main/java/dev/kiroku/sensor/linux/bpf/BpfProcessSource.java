package dev.kiroku.sensor.linux.bpf;

import dev.kiroku.sensor.linux.audit.ExecActivity;
import dev.kiroku.sensor.linux.ffm.Errno;
import dev.kiroku.sensor.linux.ffm.ErrnoException;
import dev.kiroku.sensor.linux.ffm.Libc;
import dev.kiroku.sensor.linux.netlink.NetlinkMessages;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Fork, exec and exit of every process, from Kiroku's BPF programs ({@code process.bpf.o}: {@code tp_btf} programs
 * on {@code sched_process_fork/exec/exit}) through one ring buffer, read from Java without a call per record
 * ({@link RingBuffer}). The programs wake no reader until the buffer fills past a mark: the records are taken by
 * {@link #pull} (the enrichment thread, before each batch) or by this source's thread every {@value #POLL_MILLIS} ms,
 * so a storm costs no wake-up per record. An exec record carries the exec as audit reports it ({@link ExecRecordText});
 * an argument vector over 2 KiB comes in chunk records just ahead of it ({@link ArgvChunks}).
 *
 * <p>Everything the programs hold dies with the descriptors of this process: {@link #stop} destroys the links and
 * closes the object, and after a {@code kill -9} the kernel detaches the programs when it closes the descriptors.
 * Needs root (CAP_BPF and CAP_PERFMON), {@code libbpf.so.1} and a kernel with BTF; {@link #start} throws a
 * {@link BpfException} naming what is missing otherwise, and the caller falls back to the proc connector.
 */
public final class BpfProcessSource implements AutoCloseable {
    /** The object built from {@code src/main/bpf/process.bpf.c}, next to this class on the class path. */
    static final String OBJECT_RESOURCE = "process.bpf.o";
    static final int KIND_FORK = 1;
    static final int KIND_EXEC = 2;
    static final int KIND_EXIT = 3;
    static final int KIND_ARGV = 4;
    static final int RECORD_BYTES = 96;
    /** The longest record the programs write (an exec's, bounded by {@code SCRATCH_BYTES} in process.bpf.c). */
    private static final int LONGEST_RECORD = 24 << 10;
    private static final int ARGV_CHUNK_HEADER = 16;
    private static final long CLOCK_TICK_NANOS = 10_000_000L; // USER_HZ 100: /proc's start ticks

    private final AtomicLong records = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong sinkFailures = new AtomicLong();
    /** How often the reader hands records over when nobody else does (the enrichment thread pulls before each batch). */
    private static final int POLL_MILLIS = 50;
    private final ReentrantLock consuming = new ReentrantLock();
    /** The record being decoded; only the thread holding {@link #consuming} uses it, and the two fields below. */
    private final byte[] scratch = new byte[LONGEST_RECORD];
    private final ArgvChunks argvChunks = new ArgvChunks();
    private final ExecRecordText execText = new ExecRecordText();
    private volatile boolean running;
    private Arena arena;
    private MemorySegment object;
    private final List<MemorySegment> links = new ArrayList<>();
    private volatile RingBuffer ring;
    private int droppedMap = -1;
    private Thread reader;
    private Consumer<ProcessRecord> sink;
    private long epochMinusMonotonicNanos;

    /** Why this source cannot run on this machine (no libbpf, no object), or empty when it may. */
    public static Optional<String> unavailable() {
        Optional<String> library = LibBpf.unavailable();
        if (library.isPresent()) return library;
        if (objectOverride() == null && BpfProcessSource.class.getResource(OBJECT_RESOURCE) == null) {
            return Optional.of("this build has no " + OBJECT_RESOURCE + " (clang was missing when it was built)");
        }
        return Optional.empty();
    }

    private static Path objectOverride() {
        String path = System.getProperty("kiroku.bpf.processObject");
        return path == null ? null : Path.of(path);
    }

    public synchronized void start(Consumer<ProcessRecord> sink) throws IOException {
        if (running) throw new IllegalStateException("already started");
        Optional<String> missing = unavailable();
        if (missing.isPresent()) throw new BpfException(missing.get());
        this.sink = sink;
        Instant now = Instant.now();
        epochMinusMonotonicNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
        arena = Arena.ofShared();
        try {
            LibBpf.quiet();
            object = LibBpf.openMem(arena.allocateFrom(ValueLayout.JAVA_BYTE, objectBytes()));
            LibBpf.load(object);
            for (MemorySegment p = LibBpf.nextProgram(object, MemorySegment.NULL); p.address() != 0; p = LibBpf.nextProgram(object, p)) {
                links.add(LibBpf.attach(p));
            }
            droppedMap = LibBpf.mapFd(object, "dropped", arena);
            ring = new RingBuffer(LibBpf.mapFd(object, "records", arena), LibBpf.mapMaxEntries(object, "records", arena));
        } catch (IOException | RuntimeException e) {
            release();
            throw e;
        }
        running = true;
        reader = Thread.ofPlatform().name("kiroku-bpf-process").daemon(true).unstarted(this::readLoop);
        reader.start();
    }

    private static byte[] objectBytes() throws IOException {
        Path override = objectOverride();
        if (override != null) return Files.readAllBytes(override);
        try (InputStream in = BpfProcessSource.class.getResourceAsStream(OBJECT_RESOURCE)) {
            if (in == null) throw new BpfException("no " + OBJECT_RESOURCE + " on the class path");
            return in.readAllBytes();
        }
    }

    /** Detaches the programs and frees the ring buffer and the object. Idempotent. */
    public synchronized void stop() {
        if (!running) return;
        running = false;
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        release();
    }

    private void release() {
        consuming.lock();
        try {
            if (ring != null) ring.close();
            ring = null;
        } finally {
            consuming.unlock();
        }
        for (MemorySegment link : links) LibBpf.destroyLink(link);
        links.clear();
        if (object != null) LibBpf.close(object);
        object = null;
        droppedMap = -1;
        if (arena != null) arena.close();
        arena = null;
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized BpfProcessStatus status() {
        return new BpfProcessStatus(running, records.get(), dropped(), malformed.get(), sinkFailures.get());
    }

    /** The programs' count of records that found the ring buffer full. */
    private long dropped() {
        if (droppedMap < 0) return 0;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment key = a.allocate(ValueLayout.JAVA_INT);
            MemorySegment value = a.allocate(ValueLayout.JAVA_LONG);
            return LibBpf.lookup(droppedMap, key, value) ? value.get(ValueLayout.JAVA_LONG, 0) : 0;
        }
    }

    private void readLoop() {
        while (running && readOnce()) {
            // each turn is a method of its own: the JIT compiles it, never this loop, which is entered once
        }
    }

    /**
     * Waits until the kernel wakes readers (the programs do so only when the buffer fills past a mark) or the poll
     * interval passes, then hands over what is there: a storm costs a wake-up per interval, not per record.
     */
    private boolean readOnce() {
        try {
            Libc.pollIn(ring.fd(), POLL_MILLIS);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EINTR && running && !sleep(POLL_MILLIS)) return false;
        }
        pull();
        return true;
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /**
     * Hands every record waiting in the ring buffer to the sink now, on the calling thread (the enrichment thread calls
     * this before each batch, so that a process's fork and exec reach it no later than audit's record of the exec).
     * When the reader thread is handing records over, waits until it is done, so that they are delivered on return.
     */
    public void pull() {
        pull(sink);
    }

    /** As {@link #pull()}, to {@code to} instead of the sink given to {@link #start} (never throws from it). */
    public void pull(Consumer<ProcessRecord> to) {
        consuming.lock();
        try {
            RingBuffer r = ring;
            if (r != null) r.consume((data, offset, length) -> record(data, offset, length, to));
        } finally {
            consuming.unlock();
        }
    }

    /** One record, on the thread that pulls. Never throws: a bad record or a failing sink costs only itself. */
    private void record(MemorySegment data, long offset, int length, Consumer<ProcessRecord> to) {
        ProcessRecord record = null;
        if (length >= ARGV_CHUNK_HEADER && length <= LONGEST_RECORD) {
            // one bulk copy, then plain array reads: cheaper than a memory access per field under C1
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, offset, scratch, 0, length);
            if (getInt(scratch, 0) == KIND_ARGV) {
                if (argvChunks.add(scratch, length)) return;
            } else if (length >= RECORD_BYTES) {
                record = decode(scratch, epochMinusMonotonicNanos);
                if (record != null && record.kind() == ProcessRecord.Kind.EXEC) record = withExec(record, length);
            }
        }
        if (record == null) {
            malformed.incrementAndGet();
            return;
        }
        records.incrementAndGet();
        try {
            to.accept(record);
        } catch (RuntimeException e) {
            sinkFailures.incrementAndGet();
        }
    }

    /** The exec record with what its text says (and its chunks held the vector); null when the text is malformed. */
    private ProcessRecord withExec(ProcessRecord record, int length) {
        if (length < ExecRecordText.TEXT_AT) return null;
        boolean chunked = ExecRecordText.argvBytesTaken(scratch) > ExecRecordText.INLINE_ARGV_MAX;
        ArgvChunks.Vector vector = chunked ? argvChunks.take(record.pid()) : null;
        ExecActivity exec = vector == null
                ? execText.decode(scratch, length, record, null, 0)
                : execText.decode(scratch, length, record, vector.bytes(), vector.length());
        return exec == null ? null : record.withExec(exec, execText.executableIdentity(scratch));
    }

    /** Decodes one record's first {@link #RECORD_BYTES} bytes; null when it is of an unknown kind. */
    static ProcessRecord decode(byte[] r, long epochMinusMonotonicNanos) {
        ProcessRecord.Kind k = switch (getInt(r, 0)) {
            case KIND_FORK -> ProcessRecord.Kind.FORK;
            case KIND_EXEC -> ProcessRecord.Kind.EXEC;
            case KIND_EXIT -> ProcessRecord.Kind.EXIT;
            default -> null;
        };
        if (k == null) return null;
        long monotonic = NetlinkMessages.getLong(r, 16);
        long nanos = monotonic + epochMinusMonotonicNanos;
        Instant time = Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
        String comm = null;
        if (k == ProcessRecord.Kind.EXEC) { // nobody reads a fork's or an exit's
            int commLength = 0;
            while (commLength < 16 && r[80 + commLength] != 0) commLength++;
            comm = new String(r, 80, commLength, StandardCharsets.UTF_8);
        }
        return new ProcessRecord(k, getInt(r, 4), getInt(r, 8), getInt(r, 12), time, monotonic, NetlinkMessages.getLong(r, 24),
                NetlinkMessages.getLong(r, 32), getInt(r, 40), getInt(r, 44), getInt(r, 48), getInt(r, 52), getInt(r, 56),
                Integer.toUnsignedLong(getInt(r, 60)), getInt(r, 64), Integer.toUnsignedLong(getInt(r, 68)),
                Integer.toUnsignedLong(getInt(r, 72)), comm, null, null);
    }

    private static int getInt(byte[] r, int offset) {
        return NetlinkMessages.getInt(r, offset);
    }

    /** /proc/PID/stat's start time in clock ticks, from the kernel's boot-time nanoseconds. */
    public static long startTicks(long startBoottimeNanos) {
        return startBoottimeNanos / CLOCK_TICK_NANOS;
    }
}
