package dev.kiroku.sensor.linux.procfs;

import dev.kiroku.sensor.linux.ffm.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The start time of a new process in clock ticks (field 22 of {@code /proc/PID/stat}) computed from
 * the time of its fork notice, so that a fork costs no {@code open}/{@code read}/{@code close} of
 * {@code /proc} (and a child that already exited still gets its real start time).
 *
 * <p>The kernel sets a child's {@code start_boottime} (CLOCK_BOOTTIME) in {@code copy_process} and
 * stamps the proc connector's fork notice (CLOCK_MONOTONIC) a few microseconds later in the same
 * function. The notice's time moved to CLOCK_BOOTTIME (the two clocks differ by the time the machine
 * was suspended) is therefore just after the start; truncated to ticks it gives the same number as
 * {@code /proc} unless a tick boundary lies in between. {@link #ticks} answers only when the notice
 * is at least {@link #GUARD_NANOS} past a boundary, and when the clocks' offset is the one seen at
 * earlier calls and the fork came after that offset was first seen (no suspend in between);
 * otherwise -1, and the caller reads {@code /proc}.
 * With 100 ticks per second and a 1 ms guard, nine forks in ten need no read.
 *
 * <p>Not thread-safe (one scratch buffer): one enrichment thread uses it.
 */
public final class ForkTicks {
    /** How far past a tick boundary a fork notice must be for its tick to be certain. */
    public static final long GUARD_NANOS = 1_000_000;
    /** How much the boot/monotonic offset may move between calls and still count as unchanged. */
    private static final long OFFSET_TOLERANCE_NANOS = 200_000;
    /** Longest time the three clock readings of an offset may take. */
    private static final long MAX_READING_NANOS = 50_000;

    private final long nanosPerTick;
    private final MemorySegment timespec = Arena.ofAuto().allocate(16, 8);
    private long lastOffset = Long.MIN_VALUE;
    private long offsetSeenAt;

    public ForkTicks(int ticksPerSecond) {
        if (ticksPerSecond <= 0 || 1_000_000_000L % ticksPerSecond != 0) {
            throw new IllegalArgumentException("ticks per second must divide a second: " + ticksPerSecond);
        }
        this.nanosPerTick = 1_000_000_000L / ticksPerSecond;
    }

    /** With the kernel's USER_HZ of 100 ({@link ProcFs#DEFAULT_TICKS_PER_SECOND}). */
    public ForkTicks() {
        this(ProcFs.DEFAULT_TICKS_PER_SECOND);
    }

    /**
     * @param forkMonotonicNanos the fork notice's CLOCK_MONOTONIC time
     * @return the child's start ticks, or -1 when they cannot be told for certain from the time alone
     */
    public long ticks(long forkMonotonicNanos) {
        if (forkMonotonicNanos <= 0) return -1;
        long offset = Long.MIN_VALUE;
        long monotonic = 0;
        // The offset from a boot-time reading between two monotonic ones that are close together (a thread
        // descheduled between the readings would otherwise make it look as if the clocks moved).
        for (int attempt = 0; attempt < 3 && offset == Long.MIN_VALUE; attempt++) {
            long before = Libc.clockNanos(Libc.CLOCK_MONOTONIC, timespec);
            long boot = Libc.clockNanos(Libc.CLOCK_BOOTTIME, timespec);
            monotonic = Libc.clockNanos(Libc.CLOCK_MONOTONIC, timespec);
            if (before < 0 || boot < 0) return -1;
            if (monotonic - before <= MAX_READING_NANOS) offset = boot - (before + (monotonic - before) / 2);
        }
        if (offset == Long.MIN_VALUE) return -1;
        boolean steady = lastOffset != Long.MIN_VALUE && Math.abs(offset - lastOffset) <= OFFSET_TOLERANCE_NANOS;
        if (!steady) {
            lastOffset = offset;
            offsetSeenAt = monotonic;
            return -1;
        }
        // A fork from before the offset was first seen may predate a suspend (monotonic time stands still then).
        if (forkMonotonicNanos < offsetSeenAt) return -1;
        return ticksAt(forkMonotonicNanos + lastOffset);
    }

    /** Ticks of a CLOCK_BOOTTIME instant just after a start, or -1 when it is within the guard of a boundary. */
    long ticksAt(long bootNanos) {
        if (bootNanos % nanosPerTick < GUARD_NANOS) return -1;
        return bootNanos / nanosPerTick;
    }
}
