package dev.kiroku.sensor.linux.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The part of {@code libbpf.so.1} (libbpf 1.x, Debian's {@code libbpf1}) that loads an object, attaches its
 * programs and reads a BPF ring buffer, bound through FFM. libbpf 1.x returns NULL or a negative errno on
 * failure; each wrapper turns that into a {@link BpfException} naming the call.
 */
final class LibBpf {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Optional<SymbolLookup> LIBRARY = load();

    private static final MethodHandle OPEN_MEM = handle("bpf_object__open_mem", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle LOAD = handle("bpf_object__load", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle CLOSE = handle("bpf_object__close", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle NEXT_PROGRAM = handle("bpf_object__next_program", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle PROGRAM_NAME = handle("bpf_program__name", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle ATTACH = handle("bpf_program__attach", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle LINK_DESTROY = handle("bpf_link__destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle MAP_FD = handle("bpf_object__find_map_fd_by_name", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle MAP_LOOKUP = handle("bpf_map_lookup_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle FIND_MAP = handle("bpf_object__find_map_by_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle MAP_MAX_ENTRIES = handle("bpf_map__max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SET_PRINT = handle("libbpf_set_print", FunctionDescriptor.of(ADDRESS, ADDRESS));

    private LibBpf() {
    }

    private static Optional<SymbolLookup> load() {
        try {
            return Optional.of(SymbolLookup.libraryLookup("libbpf.so.1", Arena.global()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        return LIBRARY.flatMap(l -> l.find(name)).map(symbol -> LINKER.downcallHandle(symbol, descriptor)).orElse(null);
    }

    /** Why libbpf cannot be used here, or empty when it can. */
    static Optional<String> unavailable() {
        if (LIBRARY.isEmpty()) return Optional.of("libbpf.so.1 not found (Debian package libbpf1)");
        if (MAP_MAX_ENTRIES == null || NEXT_PROGRAM == null || OPEN_MEM == null) return Optional.of("libbpf.so.1 is older than 1.0");
        return Optional.empty();
    }

    /** Silences libbpf's own messages on stderr (failures still reach the caller as exceptions). */
    static void quiet() {
        try {
            MemorySegment ignored = (MemorySegment) SET_PRINT.invokeExact(MemorySegment.NULL);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static MemorySegment openMem(MemorySegment object) throws BpfException {
        try {
            MemorySegment obj = (MemorySegment) OPEN_MEM.invokeExact(object, object.byteSize(), MemorySegment.NULL);
            if (obj.address() == 0) throw new BpfException("bpf_object__open_mem failed (not a BPF object?)");
            return obj;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static void load(MemorySegment obj) throws BpfException {
        check("bpf_object__load", call(LOAD, obj));
    }

    static void close(MemorySegment obj) {
        try {
            CLOSE.invokeExact(obj);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The object's next program after {@code previous} (NULL: the first), or NULL after the last. */
    static MemorySegment nextProgram(MemorySegment obj, MemorySegment previous) {
        try {
            return (MemorySegment) NEXT_PROGRAM.invokeExact(obj, previous);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static String programName(MemorySegment program) {
        try {
            MemorySegment name = (MemorySegment) PROGRAM_NAME.invokeExact(program);
            return name.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static MemorySegment attach(MemorySegment program) throws BpfException {
        try {
            MemorySegment link = (MemorySegment) ATTACH.invokeExact(program);
            if (link.address() == 0) throw new BpfException("bpf_program__attach(" + programName(program) + ") failed");
            return link;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static void destroyLink(MemorySegment link) {
        call(LINK_DESTROY, link);
    }

    static int mapFd(MemorySegment obj, String name, Arena arena) throws BpfException {
        try {
            int fd = (int) MAP_FD.invokeExact(obj, arena.allocateFrom(name));
            check("bpf_object__find_map_fd_by_name(" + name + ")", fd);
            return fd;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The {@code max_entries} of the object's map of this name (for a ring buffer: its data bytes). */
    static long mapMaxEntries(MemorySegment obj, String name, Arena arena) throws BpfException {
        try {
            MemorySegment map = (MemorySegment) FIND_MAP.invokeExact(obj, arena.allocateFrom(name));
            if (map.address() == 0) throw new BpfException("no map " + name + " in the object");
            return Integer.toUnsignedLong((int) MAP_MAX_ENTRIES.invokeExact(map));
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Reads a map value into {@code value}; false when the key has none. */
    static boolean lookup(int mapFd, MemorySegment key, MemorySegment value) {
        try {
            return (int) MAP_LOOKUP.invokeExact(mapFd, key, value) == 0;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static int call(MethodHandle handle, MemorySegment arg) {
        try {
            return (int) handle.invokeExact(arg);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static void check(String call, int result) throws BpfException {
        if (result < 0) throw new BpfException(call + " failed: errno " + -result);
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof Error e) throw e;
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }
}
