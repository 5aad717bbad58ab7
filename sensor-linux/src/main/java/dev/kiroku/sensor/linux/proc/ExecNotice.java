package dev.kiroku.sensor.linux.proc;

import java.time.Instant;

/** A process replaced its image. The connector says nothing else: command line and exe must come from /proc, racing the process. */
public record ExecNotice(int pid, Instant time) implements ProcNotice {
}
