package dev.kiroku.sensor.linux.audit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link AuditSource} sets up the kernel.
 *
 * @param stateDirectory     where the kernel's original audit settings are saved while the source
 *                           runs (file {@value AuditSavedState#FILE_NAME}); a source that finds the
 *                           file at start restores from it first (the previous agent died)
 * @param key                filter key of every rule the source installs and later deletes
 * @param backlogLimit       kernel backlog to request (the larger of this and the current value is used)
 * @param backlogWaitTime    jiffies an audited syscall may wait when the backlog is full; 0 drops and
 *                           counts {@code lost} instead, so a slow agent never stalls the machine
 * @param receiveBufferBytes socket receive buffer (set with SO_RCVBUFFORCE)
 * @param eventTimeout       how long an event without EOE stays open
 * @param statusInterval     how often the kernel status (lost, backlog) is polled
 * @param include32Bit       also install i386 execve/execveat rules
 * @param execRules          install the execve/execveat rules; false when another feed (the BPF process sensor)
 *                           reports execs with their arguments, so audit carries sockets and credentials only
 */
public record AuditSourceConfig(Path stateDirectory, String key, long backlogLimit, long backlogWaitTime,
                                int receiveBufferBytes, Duration eventTimeout, Duration statusInterval,
                                boolean include32Bit, boolean execRules) {

    public static final String DEFAULT_KEY = "kiroku";

    public AuditSourceConfig {
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(key, "key");
        if (key.isEmpty() || key.length() > 255) {
            throw new IllegalArgumentException("key must have 1..255 characters");
        }
        if (backlogLimit < 1 || backlogWaitTime < 0 || receiveBufferBytes < 4096) {
            throw new IllegalArgumentException("backlogLimit >= 1, backlogWaitTime >= 0, receiveBufferBytes >= 4096");
        }
    }

    /** Key {@code kiroku}, backlog 16384, wait time 0, 32 MiB receive buffer, 1 s event timeout, status every second. */
    public static AuditSourceConfig defaults(Path stateDirectory) {
        return new AuditSourceConfig(stateDirectory, DEFAULT_KEY, 16_384, 0, 32 << 20, Duration.ofSeconds(1),
                Duration.ofSeconds(1), true, true);
    }

    /** This configuration without the execve/execveat rules (another feed reports execs). */
    public AuditSourceConfig withoutExecRules() {
        return new AuditSourceConfig(stateDirectory, key, backlogLimit, backlogWaitTime, receiveBufferBytes, eventTimeout,
                statusInterval, include32Bit, false);
    }
}
