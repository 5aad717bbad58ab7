package dev.kiroku.sensor.linux.proc;

import java.time.Instant;

/**
 * A process ended (its thread-group leader exited).
 *
 * @param exitCode the exit status 0..255, or -1 when killed by a signal
 * @param signal   the terminating signal, or 0
 */
public record ExitNotice(int pid, int exitCode, int signal, Instant time) implements ProcNotice {
}
