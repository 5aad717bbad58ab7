package dev.kiroku.sensor.linux.proc;

/** A process lifecycle notice from the kernel's proc connector. Pids are thread-group ids (process ids). */
public sealed interface ProcNotice permits ForkNotice, ExecNotice, ExitNotice, ProcLossNotice {
}
