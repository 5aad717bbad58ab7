package dev.kiroku.sensor.linux.proc;

import java.time.Instant;

/** A new process (thread creations are not reported). */
public record ForkNotice(int ppid, int pid, Instant time) implements ProcNotice {
}
