package dev.kiroku.yara.ffm;

import dev.kiroku.yara.api.YaraMatch;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One {@code YR_SCANNER} over compiled rules: external variables, a timeout, and scans of a file, a buffer or a
 * sequence of memory blocks, always from memory Kiroku owns. Only matching rules are reported (libyara's
 * {@code SCAN_FLAGS_REPORT_RULES_MATCHING}), so non-matching rules cost no upcall.
 *
 * <p>Not thread-safe: one thread scans at a time. Its native memory lives in shared arenas, so it may be closed on
 * another thread than the one that made it (a shutdown hook closing a worker's scanner); closing always releases its
 * pin on the rules.
 */
public final class NativeScanner implements AutoCloseable {
    private static final int MSG_RULE_MATCHING = 1;
    private static final int CALLBACK_CONTINUE = 0;
    private static final int CALLBACK_ERROR = 2;
    private static final int FLAGS_PROCESS_MEMORY = 2;
    private static final int FLAGS_NO_TRYCATCH = 4;
    private static final int FLAGS_REPORT_MATCHING = 8;

    private static final FunctionDescriptor SCAN_CALLBACK = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    private static final FunctionDescriptor ITERATOR_FUNC = FunctionDescriptor.of(ADDRESS, ADDRESS);
    private static final MethodHandle ON_CALLBACK = find("onCallback", int.class, MemorySegment.class, int.class, MemorySegment.class, MemorySegment.class);
    private static final MethodHandle FIRST = find("firstBlock", MemorySegment.class, MemorySegment.class);
    private static final MethodHandle NEXT = find("nextBlock", MemorySegment.class, MemorySegment.class);
    private static final MethodHandle FETCH = find("fetchBlock", MemorySegment.class, MemorySegment.class);

    /** What one scan produced: libyara's return code and the matching rules. */
    public record Outcome(int code, List<YaraMatch> matches, long bytes) {
        public boolean ok() {
            return code == YaraError.SUCCESS;
        }
    }

    private final LibYara lib = LibYara.get();
    private final NativeRules rules;
    private final Arena arena = Arena.ofShared();
    private boolean closed;
    private final MemorySegment scanner;
    private List<YaraMatch> matches = new ArrayList<>();
    private RuntimeException callbackFailure;

    // State of the block iteration in progress.
    private MemoryBlocks blocks;
    private int blockIndex;
    private MemorySegment blockStruct;
    private MemorySegment fetchStub;
    private final ScanBuffer fileBuffer = new ScanBuffer();
    private final ScanBuffer blockBuffer = new ScanBuffer();
    // External variables as libyara holds them: a value set once stays for the following scans.
    private static final int TEXT_BYTES = 4096;
    private MemorySegment text;
    private final Map<String, String> defined = new HashMap<>();

    public NativeScanner(NativeRules rules) {
        this.rules = rules;
        MemorySegment out = arena.allocate(ADDRESS);
        int rc;
        MemorySegment pinned = rules.acquire();
        try {
            rc = (int) lib.scannerCreate.invokeExact(pinned, out);
        } catch (Throwable t) {
            rules.release();
            arena.close();
            throw LibYara.rethrow(t);
        }
        if (rc != YaraError.SUCCESS) {
            rules.release();
            arena.close();
            throw new IllegalStateException("yr_scanner_create failed: " + YaraError.describe(rc));
        }
        scanner = out.get(ADDRESS, 0);
        MemorySegment stub = LibYara.upcall(ON_CALLBACK.bindTo(this), SCAN_CALLBACK, arena);
        try {
            lib.scannerSetCallback.invokeExact(scanner, stub, MemorySegment.NULL);
        } catch (Throwable t) {
            close();
            throw LibYara.rethrow(t);
        }
    }

    /** Aborts each scan after {@code seconds} (0: no limit) with {@link YaraError#SCAN_TIMEOUT}. */
    public void setTimeout(int seconds) {
        try {
            lib.scannerSetTimeout.invokeExact(scanner, seconds);
        } catch (Throwable t) {
            throw LibYara.rethrow(t);
        }
    }

    /**
     * Sets a string external variable (declared at compile time) for the following scans; libyara copies it. A value
     * equal to the one already set is not passed again (files in one directory share their path and usually their
     * owner).
     */
    public void defineString(String identifier, String value) {
        if (value.equals(defined.get(identifier))) {
            return;
        }
        byte[] name = identifier.getBytes(StandardCharsets.UTF_8);
        byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
        long needed = name.length + valueBytes.length + 2;
        if (text == null) {
            text = arena.allocate(TEXT_BYTES);
        }
        int rc;
        try (Arena call = needed > TEXT_BYTES ? Arena.ofConfined() : null) {
            MemorySegment strings = call == null ? text : call.allocate(needed);
            MemorySegment.copy(name, 0, strings, JAVA_BYTE, 0, name.length);
            strings.set(JAVA_BYTE, name.length, (byte) 0);
            MemorySegment valueText = strings.asSlice(name.length + 1);
            MemorySegment.copy(valueBytes, 0, valueText, JAVA_BYTE, 0, valueBytes.length);
            valueText.set(JAVA_BYTE, valueBytes.length, (byte) 0);
            rc = (int) lib.scannerDefineString.invokeExact(scanner, strings, valueText);
        } catch (Throwable t) {
            defined.remove(identifier);
            throw LibYara.rethrow(t);
        }
        if (rc != YaraError.SUCCESS) {
            defined.remove(identifier);
            throw new IllegalArgumentException("external variable " + identifier + " is not declared by these rules: "
                    + YaraError.describe(rc));
        }
        defined.put(identifier, value);
    }

    /**
     * Scans a file: its content is read into a reused native buffer and scanned from there. libyara never maps the
     * file, so a file truncated while scanned cannot raise SIGBUS, and libyara's signal-handler swapping
     * ({@code YR_TRYCATCH}, which would take SIGSEGV from the JVM during the scan) is switched off.
     *
     * @param size the file's size when it was listed; a file that grew is scanned up to that size
     * @return the outcome, and how many bytes were scanned
     */
    public Outcome scanFile(OpenFile file, long size) throws java.io.IOException {
        return scanMemory(readFile(file, size));
    }

    /**
     * Reads a file (up to {@code size} bytes, its size when it was listed) into the scanner's reused native buffer,
     * so that its first bytes can be looked at before it is scanned with {@link #scanMemory}.
     *
     * @return the content read, valid until the next read or scan of a buffer
     */
    public MemorySegment readFile(OpenFile file, long size) throws java.io.IOException {
        MemorySegment content = fileBuffer.slice(size);
        return content.asSlice(0, file.read(content));
    }

    /** Scans a buffer. */
    public Outcome scanMemory(MemorySegment data) {
        return scan(data, FLAGS_REPORT_MATCHING | FLAGS_NO_TRYCATCH);
    }

    /** Scans bytes on the Java heap, copied into native memory of their size for the scan. */
    public Outcome scanBytes(byte[] data) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment content = call.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, content, JAVA_BYTE, 0, data.length);
            return scanMemory(content.asSlice(0, data.length));
        }
    }

    private Outcome scan(MemorySegment data, int flags) {
        try {
            setFlags(flags);
            return finish((int) lib.scannerScanMem.invokeExact(scanner, data, data.byteSize()), data.byteSize());
        } catch (Throwable t) {
            throw LibYara.rethrow(t);
        }
    }

    /** Scans memory blocks as one target (process memory semantics: {@code filesize} is undefined). */
    public Outcome scanBlocks(MemoryBlocks source) {
        try (Arena iteration = Arena.ofConfined()) {
            blocks = source;
            blockIndex = 0;
            blockStruct = iteration.allocate(Structs.BLOCK_STRUCT_SIZE, 8);
            fetchStub = LibYara.upcall(FETCH.bindTo(this), ITERATOR_FUNC, iteration);
            MemorySegment iterator = iteration.allocate(Structs.ITERATOR_STRUCT_SIZE, 8);
            iterator.set(ADDRESS, Structs.ITERATOR_FIRST, LibYara.upcall(FIRST.bindTo(this), ITERATOR_FUNC, iteration));
            iterator.set(ADDRESS, Structs.ITERATOR_NEXT, LibYara.upcall(NEXT.bindTo(this), ITERATOR_FUNC, iteration));
            iterator.set(ADDRESS, Structs.ITERATOR_FILE_SIZE, MemorySegment.NULL);
            iterator.set(JAVA_INT, Structs.ITERATOR_LAST_ERROR, YaraError.SUCCESS);
            setFlags(FLAGS_REPORT_MATCHING | FLAGS_PROCESS_MEMORY | FLAGS_NO_TRYCATCH);
            return finish((int) lib.scannerScanMemBlocks.invokeExact(scanner, iterator), -1);
        } catch (Throwable t) {
            throw LibYara.rethrow(t);
        } finally {
            blocks = null;
        }
    }

    /** Frees the scanner and releases its pin on the rules; callable once from any thread, later calls do nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lib.scannerDestroy.invokeExact(scanner);
        } catch (Throwable t) {
            throw LibYara.rethrow(t);
        } finally {
            // The scanner no longer references the rules: the pin goes first, whatever freeing the memory does.
            rules.release();
            try {
                fileBuffer.close();
                blockBuffer.close();
            } finally {
                arena.close();
            }
        }
    }

    private void setFlags(int flags) throws Throwable {
        lib.scannerSetFlags.invokeExact(scanner, flags);
    }

    private Outcome finish(int rc, long bytes) {
        List<YaraMatch> found = matches;
        matches = new ArrayList<>();
        RuntimeException failure = callbackFailure;
        callbackFailure = null;
        if (failure != null) {
            throw new IllegalStateException("reading a match failed", failure);
        }
        return new Outcome(rc, found, bytes);
    }

    @SuppressWarnings("unused") // upcall
    private int onCallback(MemorySegment context, int message, MemorySegment data, MemorySegment userData) {
        if (message != MSG_RULE_MATCHING) {
            return CALLBACK_CONTINUE;
        }
        try {
            matches.add(RuleReader.read(context, data));
            return CALLBACK_CONTINUE;
        } catch (RuntimeException e) {
            callbackFailure = e;
            return CALLBACK_ERROR;
        }
    }

    @SuppressWarnings("unused") // upcall
    private MemorySegment firstBlock(MemorySegment iterator) {
        blockIndex = 0;
        return currentBlock();
    }

    @SuppressWarnings("unused") // upcall
    private MemorySegment nextBlock(MemorySegment iterator) {
        blockIndex++;
        return currentBlock();
    }

    private MemorySegment currentBlock() {
        if (blockIndex >= blocks.count()) {
            return MemorySegment.NULL;
        }
        blockStruct.set(JAVA_LONG, Structs.BLOCK_SIZE_FIELD, blocks.size(blockIndex));
        blockStruct.set(JAVA_LONG, Structs.BLOCK_BASE, blocks.base(blockIndex));
        blockStruct.set(ADDRESS, Structs.BLOCK_CONTEXT, MemorySegment.NULL);
        blockStruct.set(ADDRESS, Structs.BLOCK_FETCH_DATA, fetchStub);
        return blockStruct;
    }

    /** Reads the current block into a reused native buffer; NULL (skip) when it cannot be read. */
    @SuppressWarnings("unused") // upcall
    private MemorySegment fetchBlock(MemorySegment block) {
        try {
            MemorySegment target = blockBuffer.slice(blocks.size(blockIndex));
            return blocks.read(blockIndex, target) ? target : MemorySegment.NULL;
        } catch (RuntimeException e) {
            callbackFailure = e;
            return MemorySegment.NULL;
        }
    }

    private static MethodHandle find(String name, Class<?> returnType, Class<?>... parameters) {
        try {
            return MethodHandles.lookup().findVirtual(NativeScanner.class, name, MethodType.methodType(returnType, parameters));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
