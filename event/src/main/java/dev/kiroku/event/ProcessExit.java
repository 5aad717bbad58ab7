package dev.kiroku.event;

/**
 * A process ended.
 *
 * @param process  the process as the table knew it
 * @param exitCode exit status, or -1 when killed by a signal
 * @param signal   terminating signal, 0 when it exited normally
 */
public record ProcessExit(ProcessInfo process, int exitCode, int signal) implements Payload {
}
