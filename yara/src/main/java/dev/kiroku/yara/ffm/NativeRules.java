package dev.kiroku.yara.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A compiled {@code YR_RULES}. Scanners on any number of threads may use it at once (libyara allows up to 32);
 * {@link #close()} waits until no scanner holds it. A pin is a count, not a lock, so a scanner may be closed (and its
 * pin released) on another thread than the one that made it.
 */
public final class NativeRules implements AutoCloseable {
    /** sizeof(YR_RULES_STATS) is 824 in 4.2; a little more is allocated. */
    private static final long STATS_SIZE = 1024;

    private final MemorySegment rules;
    private final Object pinLock = new Object();
    private int pins;
    private boolean closed;

    NativeRules(MemorySegment rules) {
        this.rules = rules;
    }

    /** How many rules libyara compiled ({@code YR_RULES_STATS.num_rules}). */
    public int ruleCount() {
        MemorySegment pointer = acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stats = arena.allocate(STATS_SIZE, 8);
            int rc = (int) LibYara.get().rulesGetStats.invokeExact(pointer, stats);
            if (rc != YaraError.SUCCESS) {
                throw new IllegalStateException("yr_rules_get_stats failed: " + YaraError.describe(rc));
            }
            return stats.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw LibYara.rethrow(t);
        } finally {
            release();
        }
    }

    /**
     * Loads rules saved by {@link #save} or by {@code yarac}, in one piece of memory backed by huge pages where the
     * system allows it (see {@link HugePages}).
     */
    public static NativeRules load(java.nio.file.Path file) {
        NativeRules rules = HugePages.contiguous(() -> loadFrom(file));
        HugePages.advise(rules.rules);
        return rules;
    }

    private static NativeRules loadFrom(java.nio.file.Path file) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(java.lang.foreign.ValueLayout.ADDRESS);
            int rc = (int) LibYara.get().rulesLoad.invokeExact(arena.allocateFrom(file.toString()), out);
            if (rc != YaraError.SUCCESS) {
                throw new IllegalArgumentException("cannot load compiled rules from " + file + ": " + YaraError.describe(rc));
            }
            return new NativeRules(out.get(java.lang.foreign.ValueLayout.ADDRESS, 0));
        } catch (Throwable t) {
            throw LibYara.rethrow(t);
        }
    }

    /** Writes the compiled rules to {@code file} in libyara's format (what {@code yara -C} loads). */
    public void save(java.nio.file.Path file) {
        MemorySegment pointer = acquire();
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) LibYara.get().rulesSave.invokeExact(pointer, arena.allocateFrom(file.toString()));
            if (rc != YaraError.SUCCESS) {
                throw new IllegalStateException("saving rules to " + file + " failed: " + YaraError.describe(rc));
            }
        } catch (Throwable t) {
            throw LibYara.rethrow(t);
        } finally {
            release();
        }
    }

    /** Pins the rules for a scanner; returns the native pointer. */
    MemorySegment acquire() {
        synchronized (pinLock) {
            if (closed) {
                throw new IllegalStateException("rules are closed");
            }
            pins++;
            return rules;
        }
    }

    /** Releases one pin taken by {@link #acquire()}, on any thread. */
    void release() {
        synchronized (pinLock) {
            if (pins <= 0) {
                throw new IllegalStateException("rules released more often than acquired");
            }
            if (--pins == 0) {
                pinLock.notifyAll();
            }
        }
    }

    /** How many scanners (or calls) hold the rules now. */
    int pins() {
        synchronized (pinLock) {
            return pins;
        }
    }

    /** Refuses new pins, waits until every pin is released, then frees the rules. */
    @Override
    public void close() {
        synchronized (pinLock) {
            if (closed) {
                return;
            }
            closed = true;
            boolean interrupted = false;
            while (pins > 0) {
                try {
                    pinLock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            int ignored = (int) LibYara.get().rulesDestroy.invokeExact(rules);
        } catch (Throwable t) {
            throw LibYara.rethrow(t);
        }
    }
}
