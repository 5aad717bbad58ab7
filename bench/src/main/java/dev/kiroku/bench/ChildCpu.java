package dev.kiroku.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * CPU time (user + system, microseconds) of all reaped children of this JVM, from
 * {@code getrusage(RUSAGE_CHILDREN)}: unlike wall time it does not grow when other users of the
 * machine take the cores.
 */
final class ChildCpu {
    private static final int RUSAGE_CHILDREN = -1;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETRUSAGE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("getrusage"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    private ChildCpu() {
    }

    static long micros() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment usage = arena.allocate(144, 8);
            int rc = (int) GETRUSAGE.invokeExact(RUSAGE_CHILDREN, usage);
            if (rc != 0) {
                throw new IllegalStateException("getrusage failed");
            }
            // struct rusage starts with ru_utime and ru_stime, each a struct timeval {long sec; long usec}.
            return usage.get(JAVA_LONG, 0) * 1_000_000 + usage.get(JAVA_LONG, 8)
                    + usage.get(JAVA_LONG, 16) * 1_000_000 + usage.get(JAVA_LONG, 24);
        } catch (Throwable t) {
            throw new IllegalStateException("getrusage downcall failed", t);
        }
    }
}
