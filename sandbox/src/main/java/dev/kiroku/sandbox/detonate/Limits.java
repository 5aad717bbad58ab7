package dev.kiroku.sandbox.detonate;

import java.time.Duration;

/**
 * Resource limits of one detonation.
 *
 * @param cpuPercent   share of one CPU the sample may use (cpu.max / cfs quota)
 * @param memoryBytes  memory.max (v2) or memory.limit_in_bytes (v1)
 * @param maxProcesses pids.max: a fork bomb stops here
 * @param scratchBytes size of the writable layer (tmpfs): filling the disk stops here
 * @param timeLimit    after this the whole cgroup is killed
 */
public record Limits(int cpuPercent, long memoryBytes, int maxProcesses, long scratchBytes, Duration timeLimit) {
    public static Limits defaults(Duration timeLimit) {
        return new Limits(50, 256L << 20, 64, 64L << 20, timeLimit);
    }
}
