package dev.kiroku.agent.policy;

import dev.kiroku.agent.command.CommandParameters;
import dev.kiroku.agent.scanning.ScanPolicy;
import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.event.UserActivity;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the server wants an agent to record, applied without a restart: sensors muted (their
 * observations are discarded before enrichment), path prefixes and process executables excluded
 * (their events are not journaled), and journal limits (kept with the policy; the journal takes
 * them at the agent's next start).
 *
 * @param version           increases with every policy the server pushes; 0 = the built-in default
 * @param mutedSensors      audit, proc_connector, fanotify, socket_inventory
 * @param excludedPaths     file changes under these prefixes are not recorded
 * @param excludedProcesses events of processes with these executables are not recorded
 * @param journalMaxBytes   the journal's size cap, 0 = unchanged
 * @param journalRetention  how long the journal keeps acknowledged events, null = unchanged
 * @param yara              YARA scans by policy: newly written executables, files before execution ({@link ScanPolicy})
 */
public record Policy(long version, Set<String> mutedSensors, List<String> excludedPaths, Set<String> excludedProcesses,
                     long journalMaxBytes, Duration journalRetention, ScanPolicy yara) {
    public static final Policy DEFAULT = new Policy(0, Set.of(), List.of(), Set.of(), 0, null);
    private static final Set<String> SENSORS = Set.of("audit", "proc_connector", "fanotify", "socket_inventory");

    public Policy {
        mutedSensors = Set.copyOf(mutedSensors);
        excludedPaths = List.copyOf(excludedPaths);
        excludedProcesses = Set.copyOf(excludedProcesses);
        if (yara == null) yara = ScanPolicy.OFF;
    }

    /** A policy without YARA scans. */
    public Policy(long version, Set<String> mutedSensors, List<String> excludedPaths, Set<String> excludedProcesses,
                  long journalMaxBytes, Duration journalRetention) {
        this(version, mutedSensors, excludedPaths, excludedProcesses, journalMaxBytes, journalRetention, ScanPolicy.OFF);
    }

    /**
     * Reads a policy from a {@code policy.apply} command's parameters: {@code version} (required),
     * {@code sensors.muted}, {@code exclude.paths}, {@code exclude.processes} (comma-separated),
     * {@code journal.max_bytes}, {@code journal.retention_hours}, and the {@code yara.*} parameters of
     * {@link ScanPolicy#fromParameters}.
     *
     * @throws IllegalArgumentException naming the bad parameter
     */
    public static Policy fromParameters(Map<String, String> parameters) {
        CommandParameters read = new CommandParameters(parameters);
        long version = read.number("version", -1);
        if (version <= 0) throw new IllegalArgumentException("policy parameter 'version' must be a positive number");
        Set<String> muted = Set.copyOf(read.list("sensors.muted"));
        for (String sensor : muted) {
            if (!SENSORS.contains(sensor)) throw new IllegalArgumentException("sensors.muted: unknown sensor '" + sensor + "', known: " + SENSORS);
        }
        List<String> paths = read.list("exclude.paths");
        for (String path : paths) {
            if (!path.startsWith("/")) throw new IllegalArgumentException("exclude.paths: '" + path + "' is not an absolute path");
        }
        long hours = read.number("journal.retention_hours", 0);
        long maxBytes = read.number("journal.max_bytes", 0);
        if (maxBytes != 0 && maxBytes < (1 << 20)) throw new IllegalArgumentException("journal.max_bytes must be 0 (unchanged) or at least 1 MiB");
        return new Policy(version, muted, paths, Set.copyOf(read.list("exclude.processes")),
                maxBytes, hours > 0 ? Duration.ofHours(hours) : null, ScanPolicy.fromParameters(read));
    }

    /** True when the event falls under an exclusion and is not to be recorded. */
    public boolean excludes(Event event) {
        if (excludedPaths.isEmpty() && excludedProcesses.isEmpty()) return false;
        if (event.payload() instanceof FileChange change && (underExcludedPath(change.path()) || underExcludedPath(change.oldPath()))) {
            return true;
        }
        ProcessInfo process = switch (event.payload()) {
            case ProcessStart start -> start.process();
            case ProcessExit exit -> exit.process();
            case FileChange change -> change.process();
            case NetworkActivity network -> network.process();
            case UserActivity user -> user.process();
            default -> null;
        };
        return process != null && process.executable() != null && excludedProcesses.contains(process.executable());
    }

    private boolean underExcludedPath(String path) {
        if (path == null) return false;
        for (String prefix : excludedPaths) {
            if (path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")) return true;
        }
        return false;
    }
}
