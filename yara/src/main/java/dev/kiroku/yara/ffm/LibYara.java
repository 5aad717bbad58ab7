package dev.kiroku.yara.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The downcall handles of Debian's libyara 4.2 ({@code libyara.so.9}), bound through FFM.
 *
 * <p>{@link #get()} loads the library and calls {@code yr_initialize} exactly once per JVM (libyara keeps a
 * reference count; we never finalize, the library lives as long as the process). If the library is missing it
 * throws {@link YaraUnavailableException} naming the Debian packages to install.
 *
 * <p>Handles are raw: callers pass native pointers and check the returned {@code ERROR_*} codes (see
 * {@link YaraError}). The typed wrappers are {@link NativeCompiler}, {@link NativeRules} and {@link NativeScanner}.
 */
public final class LibYara {
    /** The soname Debian's libyara9 package ships. */
    public static final String SONAME = "libyara.so.9";

    private static final Linker LINKER = Linker.nativeLinker();
    private static volatile LibYara instance;

    final MethodHandle compilerCreate;
    final MethodHandle compilerDestroy;
    final MethodHandle compilerSetCallback;
    final MethodHandle compilerAddFd;
    final MethodHandle compilerAddString;
    final MethodHandle compilerDefineString;
    final MethodHandle compilerGetRules;
    final MethodHandle rulesDestroy;
    final MethodHandle rulesGetStats;
    final MethodHandle rulesSave;
    final MethodHandle rulesLoad;
    final MethodHandle scannerCreate;
    final MethodHandle scannerDestroy;
    final MethodHandle scannerSetCallback;
    final MethodHandle scannerSetTimeout;
    final MethodHandle scannerSetFlags;
    final MethodHandle scannerDefineString;
    final MethodHandle scannerScanMem;
    final MethodHandle scannerScanMemBlocks;

    private LibYara(SymbolLookup lib) {
        compilerCreate = handle(lib, "yr_compiler_create", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        compilerDestroy = handle(lib, "yr_compiler_destroy", FunctionDescriptor.ofVoid(ADDRESS));
        compilerSetCallback = handle(lib, "yr_compiler_set_callback", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        compilerAddFd = handle(lib, "yr_compiler_add_fd", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        compilerAddString = handle(lib, "yr_compiler_add_string", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        compilerDefineString = handle(lib, "yr_compiler_define_string_variable",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        compilerGetRules = handle(lib, "yr_compiler_get_rules", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        rulesDestroy = handle(lib, "yr_rules_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        rulesLoad = handle(lib, "yr_rules_load", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        rulesSave = handle(lib, "yr_rules_save", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        rulesGetStats = handle(lib, "yr_rules_get_stats", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        scannerCreate = handle(lib, "yr_scanner_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        scannerDestroy = handle(lib, "yr_scanner_destroy", FunctionDescriptor.ofVoid(ADDRESS));
        scannerSetCallback = handle(lib, "yr_scanner_set_callback", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        scannerSetTimeout = handle(lib, "yr_scanner_set_timeout", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        scannerSetFlags = handle(lib, "yr_scanner_set_flags", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        scannerDefineString = handle(lib, "yr_scanner_define_string_variable",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        scannerScanMem = handle(lib, "yr_scanner_scan_mem", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        scannerScanMemBlocks = handle(lib, "yr_scanner_scan_mem_blocks", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }

    /** The initialised library; thread-safe, loads and initialises on first use only. */
    public static LibYara get() {
        LibYara lib = instance;
        if (lib == null) {
            synchronized (LibYara.class) {
                lib = instance;
                if (lib == null) {
                    lib = load();
                    instance = lib;
                }
            }
        }
        return lib;
    }

    private static LibYara load() {
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(SONAME, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new YaraUnavailableException(SONAME + " could not be loaded (" + e.getMessage()
                    + "); install the Debian packages yara and libyara9 (./kiroku does this when run as root)");
        }
        LibYara lib = new LibYara(lookup);
        MethodHandle init = handle(lookup, "yr_initialize", FunctionDescriptor.of(JAVA_INT));
        int rc;
        try {
            rc = (int) init.invokeExact();
        } catch (Throwable t) {
            throw new YaraUnavailableException("yr_initialize failed: " + t);
        }
        if (rc != YaraError.SUCCESS) {
            throw new YaraUnavailableException("yr_initialize failed: " + YaraError.describe(rc));
        }
        return lib;
    }

    private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = lib.find(name).orElseThrow(
                () -> new YaraUnavailableException(SONAME + " lacks " + name + "; libyara 4.2 or newer is needed"));
        return LINKER.downcallHandle(symbol, descriptor);
    }

    /** An upcall stub for {@code target}, alive as long as {@code arena}. */
    static MemorySegment upcall(MethodHandle target, FunctionDescriptor descriptor, Arena arena) {
        return LINKER.upcallStub(target, descriptor, arena);
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("libyara call failed", t);
    }
}
