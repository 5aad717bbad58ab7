package dev.kiroku.sensor.linux.proc;

import java.time.Instant;

/**
 * A new process (thread creations are not reported).
 *
 * @param monotonicNanos the kernel's CLOCK_MONOTONIC time of the fork (what {@code time} was computed from)
 */
public record ForkNotice(int ppid, int pid, Instant time, long monotonicNanos) implements ProcNotice {
}
