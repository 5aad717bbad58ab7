package dev.kiroku.sandbox.detonate;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Runs code on a fresh platform thread that has joined a network namespace ({@code setns(2)} moves
 * only the calling thread): sockets opened there live in that namespace for good, whichever thread
 * uses them afterwards. The thread ends after the code, so no other work runs in the namespace.
 */
final class NetnsThreads {
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final MethodHandle OPEN = LINKER.downcallHandle(LIBC.findOrThrow("open"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETNS = LINKER.downcallHandle(LIBC.findOrThrow("setns"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LIBC.findOrThrow("close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private NetnsThreads() {
    }

    static <T> T callIn(Path namespace, Callable<T> work) throws IOException, InterruptedException {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().name("kiroku-netns").unstarted(() -> {
            try {
                enter(namespace);
                result.set(work.call());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        thread.start();
        thread.join();
        if (failure.get() instanceof IOException io) throw io;
        if (failure.get() != null) throw new IOException("in network namespace " + namespace + ": " + failure.get(), failure.get());
        return result.get();
    }

    private static void enter(Path namespace) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(namespace.toString());
            int fd = (int) OPEN.invokeExact(path, O_RDONLY_CLOEXEC);
            if (fd < 0) throw new IOException("cannot open " + namespace);
            try {
                int rc = (int) SETNS.invokeExact(fd, CLONE_NEWNET);
                if (rc != 0) throw new IOException("setns(" + namespace + ") failed");
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("setns call failed: " + t, t);
        }
    }
}
