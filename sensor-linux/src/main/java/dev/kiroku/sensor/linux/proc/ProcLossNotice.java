package dev.kiroku.sensor.linux.proc;

import java.time.Instant;

/**
 * The socket buffer overflowed (ENOBUFS): an unknown number of notices were lost. A consumer
 * keeping a process tree should rescan /proc.
 *
 * @param lossesSoFar how many overflows the source has seen, this one included
 */
public record ProcLossNotice(long lossesSoFar, Instant time) implements ProcNotice {
}
