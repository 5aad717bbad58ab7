package dev.kiroku.agent.enrich;

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
 * The message digests of OpenSSL's libcrypto (Debian package {@code libssl3}) through FFM. The agent
 * runs C1 only (see {@code ./kiroku}), and C1 does not use the JDK's SHA intrinsics: on the
 * development VM the JDK's SHA-256 ran at 25 MB/s under C1 against 1,200 MB/s with C2, SHA-1 at 30
 * against 120 MB/s; libcrypto uses the CPU's SHA extensions whatever the JIT. Absent when the
 * library cannot be loaded; {@link FileDigests} then uses the JDK's digests.
 */
final class LibCrypto {
    static final String SONAME = "libcrypto.so.3";
    private static final LibCrypto INSTANCE = load();

    private final MethodHandle ctxNew;
    private final MethodHandle ctxFree;
    private final MethodHandle init;
    private final MethodHandle update;
    private final MethodHandle finish;
    private final MethodHandle sha256OneShot;
    /** SHA256_Init/Update/Final: deprecated since OpenSSL 3.0 but exported; null when a build lacks them. */
    private final MethodHandle sha256Init;
    private final MethodHandle sha256Update;
    private final MethodHandle sha256Final;
    /** Room for a {@code SHA256_CTX} (112 bytes in OpenSSL 3). */
    static final long SHA256_CONTEXT_BYTES = 128;
    final MemorySegment md5;
    final MemorySegment sha1;
    final MemorySegment sha256;

    private LibCrypto(SymbolLookup lookup) throws Throwable {
        Linker linker = Linker.nativeLinker();
        ctxNew = linker.downcallHandle(lookup.findOrThrow("EVP_MD_CTX_new"), FunctionDescriptor.of(ADDRESS));
        ctxFree = linker.downcallHandle(lookup.findOrThrow("EVP_MD_CTX_free"), FunctionDescriptor.ofVoid(ADDRESS));
        init = linker.downcallHandle(lookup.findOrThrow("EVP_DigestInit_ex"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        update = linker.downcallHandle(lookup.findOrThrow("EVP_DigestUpdate"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        finish = linker.downcallHandle(lookup.findOrThrow("EVP_DigestFinal_ex"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        sha256OneShot = linker.downcallHandle(lookup.findOrThrow("SHA256"),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), Linker.Option.critical(false));
        sha256Init = lowLevel(linker, lookup, "SHA256_Init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        sha256Update = lowLevel(linker, lookup, "SHA256_Update", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        sha256Final = lowLevel(linker, lookup, "SHA256_Final", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        md5 = algorithm(linker, lookup, "EVP_md5");
        sha1 = algorithm(linker, lookup, "EVP_sha1");
        sha256 = algorithm(linker, lookup, "EVP_sha256");
    }

    private static MemorySegment algorithm(Linker linker, SymbolLookup lookup, String name) throws Throwable {
        MemorySegment md = (MemorySegment) linker.downcallHandle(lookup.findOrThrow(name), FunctionDescriptor.of(ADDRESS))
                .invokeExact();
        if (md.equals(MemorySegment.NULL)) throw new IllegalStateException(name + " returned NULL");
        return md;
    }

    private static MethodHandle lowLevel(Linker linker, SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
        return lookup.find(name).map(symbol -> linker.downcallHandle(symbol, descriptor, Linker.Option.critical(false)))
                .orElse(null);
    }

    /** The library, or null when it cannot be loaded (not installed, or a symbol missing). */
    static LibCrypto get() {
        return INSTANCE;
    }

    private static LibCrypto load() {
        try {
            return new LibCrypto(SymbolLookup.libraryLookup(SONAME, Arena.global()));
        } catch (Throwable e) {
            System.getLogger(LibCrypto.class.getName()).log(System.Logger.Level.INFO,
                    SONAME + " not usable (" + e + "): executables are hashed with the JDK's digests");
            return null;
        }
    }

    /** A new digest context initialised for {@code algorithm}; free it with {@link #free}. */
    MemorySegment start(MemorySegment algorithm) {
        try {
            MemorySegment ctx = (MemorySegment) ctxNew.invokeExact();
            if (ctx.equals(MemorySegment.NULL)) throw new IllegalStateException("EVP_MD_CTX_new returned NULL");
            if ((int) init.invokeExact(ctx, algorithm, MemorySegment.NULL) != 1) {
                free(ctx);
                throw new IllegalStateException("EVP_DigestInit_ex failed");
            }
            return ctx;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    void update(MemorySegment ctx, MemorySegment data, long length) {
        try {
            if ((int) update.invokeExact(ctx, data, length) != 1) throw new IllegalStateException("EVP_DigestUpdate failed");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Writes the digest into {@code out} (at least 64 bytes: the digest's length is the algorithm's). */
    void finish(MemorySegment ctx, MemorySegment out) {
        try {
            if ((int) finish.invokeExact(ctx, out, MemorySegment.NULL) != 1) {
                throw new IllegalStateException("EVP_DigestFinal_ex failed");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * The SHA-256 of {@code length} bytes of {@code data}, written into {@code out} (32 bytes), in {@code context}
     * ({@link #SHA256_CONTEXT_BYTES}, the caller's own). OpenSSL 3's one-shot {@code SHA256()} looks the algorithm up
     * by name at each call (≈ 480 ns against ≈ 80 for the low-level calls under C1); it is used only when a build
     * lacks the low-level functions.
     */
    void sha256(MemorySegment context, MemorySegment data, long length, MemorySegment out) {
        try {
            if (sha256Init == null) {
                MemorySegment written = (MemorySegment) sha256OneShot.invokeExact(data, length, out);
                if (written.equals(MemorySegment.NULL)) throw new IllegalStateException("SHA256 failed");
                return;
            }
            if ((int) sha256Init.invokeExact(context) != 1 || (int) sha256Update.invokeExact(context, data, length) != 1
                    || (int) sha256Final.invokeExact(out, context) != 1) {
                throw new IllegalStateException("SHA256_Init/Update/Final failed");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    void free(MemorySegment ctx) {
        try {
            ctxFree.invokeExact(ctx);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
