package dev.kiroku.yara.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.function.Supplier;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Puts loaded rules on transparent huge pages. A scan walks libyara's Aho-Corasick tables once per input byte and
 * every rule's code once per file: about 12 MB of rules touched at random, which on 4 KiB pages keeps missing the
 * TLB. glibc would give each of the rules' large buffers (up to 2.6 MB) its own mapping, of which hardly any 2 MiB
 * aligned page lies inside; loaded while large blocks come from the heap ({@code M_MMAP_THRESHOLD} raised for the
 * load only) the buffers lie together, and the 2 MiB pages covering them are advised ({@code MADV_HUGEPAGE}) and
 * collapsed at once ({@code MADV_COLLAPSE}, Linux 6.1). Everything here is advice: without glibc's {@code mallopt},
 * with THP switched off or on an older kernel, the rules stay on small pages and scan the same. One effect reaches the
 * whole process: once the threshold was set, glibc keeps it at its default of 128 KiB instead of raising it after
 * large blocks are freed.
 */
final class HugePages {
    private static final int M_MMAP_THRESHOLD = -3;
    /** glibc's {@code DEFAULT_MMAP_THRESHOLD_MIN}, the threshold before any large block was freed. */
    private static final int DEFAULT_MMAP_THRESHOLD = 128 * 1024;
    /** glibc's upper bound for the threshold on 64-bit ({@code HEAP_MAX_SIZE / 2}). */
    private static final int LOAD_MMAP_THRESHOLD = 32 << 20;
    private static final int MADV_HUGEPAGE = 14;
    private static final int MADV_COLLAPSE = 25;
    private static final long HUGE = 2L << 20;

    // YR_RULES starts with its YR_ARENA*; YR_ARENA is {uint32 xrefs, uint32 num_buffers, YR_ARENA_BUFFER[16]} and
    // each YR_ARENA_BUFFER is {uint8_t* data, size_t size, size_t used} (libyara 4.2, arena.h).
    private static final long ARENA_NUM_BUFFERS = 4;
    private static final long ARENA_BUFFERS = 8;
    private static final long BUFFER_STRUCT_BYTES = 24;
    private static final long BUFFER_USED_OFFSET = 16;
    private static final int MAX_BUFFERS = 16;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Optional<MethodHandle> MALLOPT = LINKER.defaultLookup().find("mallopt")
            .map(f -> LINKER.downcallHandle(f, FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT)));
    private static final MethodHandle MADVISE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("madvise"),
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final Object LOADING = new Object();

    private HugePages() {
    }

    /**
     * Runs {@code load} (a call that allocates the rules) so that their large blocks lie together: taken from the heap,
     * on a thread of its own. glibc gives a new thread an arena no other thread uses (a new one, or one whose thread
     * ended), not the caller's, whose heap is full of holes left by the compiler that made the rules. (Past 8 arenas
     * per core glibc shares one: the rules may then lie apart and get fewer huge pages, never wrong ones.)
     */
    static <T> T contiguous(Supplier<T> load) {
        synchronized (LOADING) {
            boolean raised = mallopt(LOAD_MMAP_THRESHOLD);
            try {
                return onOwnThread(load);
            } finally {
                if (raised) {
                    mallopt(DEFAULT_MMAP_THRESHOLD);
                }
            }
        }
    }

    private static <T> T onOwnThread(Supplier<T> load) {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread loader = Thread.ofPlatform().name("kiroku-yara-rules-load").start(() -> {
            try {
                result[0] = load.get();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        boolean interrupted = false;
        while (true) {
            try {
                loader.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the rules are being loaded: they must be owned by someone when it ends
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
        if (failure[0] != null) {
            throw LibYara.rethrow(failure[0]);
        }
        @SuppressWarnings("unchecked")
        T loaded = (T) result[0];
        return loaded;
    }

    /**
     * Advises huge pages for the 2 MiB pages that lie inside the span of the rules' buffers (the span, when the
     * buffers lie together; each buffer alone otherwise), and collapses them now.
     *
     * @return the bytes advised
     */
    static long advise(MemorySegment rules) {
        MemorySegment arena = rules.reinterpret(ADDRESS.byteSize()).get(ADDRESS, 0)
                .reinterpret(ARENA_BUFFERS + MAX_BUFFERS * BUFFER_STRUCT_BYTES);
        int count = Math.min(MAX_BUFFERS, arena.get(JAVA_INT, ARENA_NUM_BUFFERS));
        long low = Long.MAX_VALUE;
        long high = 0;
        long used = 0;
        for (int i = 0; i < count; i++) {
            long data = arena.get(JAVA_LONG, ARENA_BUFFERS + i * BUFFER_STRUCT_BYTES);
            long bytes = arena.get(JAVA_LONG, ARENA_BUFFERS + i * BUFFER_STRUCT_BYTES + BUFFER_USED_OFFSET);
            if (data != 0 && bytes > 0) {
                low = Math.min(low, data);
                high = Math.max(high, data + bytes);
                used += bytes;
            }
        }
        if (used == 0) {
            return 0;
        }
        // Together: the buffers fill at least half of their span (the rest is the heap's other blocks, often the
        // compiler's freed memory), so advising the span costs at most as much memory again as the rules.
        if (high - low <= 2 * used + 2 * HUGE) {
            return adviseInside(low, high);
        }
        long advised = 0;
        for (int i = 0; i < count; i++) {
            long data = arena.get(JAVA_LONG, ARENA_BUFFERS + i * BUFFER_STRUCT_BYTES);
            advised += adviseInside(data, data + arena.get(JAVA_LONG, ARENA_BUFFERS + i * BUFFER_STRUCT_BYTES + BUFFER_USED_OFFSET));
        }
        return advised;
    }

    /** The whole 2 MiB pages inside [from, to), so that no advice reaches memory that is not mapped. */
    private static long adviseInside(long from, long to) {
        long start = (from + HUGE - 1) & -HUGE;
        long end = to & -HUGE;
        if (end <= start) {
            return 0;
        }
        try {
            if ((int) MADVISE.invokeExact(start, end - start, MADV_HUGEPAGE) != 0) {
                return 0;
            }
            // May fail (an older kernel, THP off, no free huge page): then khugepaged collapses them later, or never.
            int ignored = (int) MADVISE.invokeExact(start, end - start, MADV_COLLAPSE);
            return end - start;
        } catch (Throwable t) {
            throw LibYara.rethrow(t);
        }
    }

    private static boolean mallopt(int threshold) {
        if (MALLOPT.isEmpty()) {
            return false;
        }
        try {
            return (int) MALLOPT.get().invokeExact(M_MMAP_THRESHOLD, threshold) == 1;
        } catch (Throwable t) {
            throw LibYara.rethrow(t);
        }
    }
}
