package dev.kiroku.agent;

import dev.kiroku.agent.journal.JournalConfig;
import dev.kiroku.agent.scope.Scope;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How an agent runs.
 *
 * @param dataDirectory   where the agent keeps its id, journal, audit state and status
 * @param hostName        the endpoint's name in events
 * @param journal         journal settings
 * @param fileWatchPaths  fanotify marks the filesystems holding these paths; empty = every local writable filesystem
 * @param sensors         which sensors to start
 * @param hashBytesPerSecond budget for hashing new executables
 * @param queueCapacity   observations waiting for enrichment; more are dropped and counted
 * @param lossReportInterval how often loss counters become loss events
 * @param socketInventoryInterval how often listening sockets and connections are inventoried
 * @param scope           what part of the machine this agent records (ADR 4)
 */
public record AgentConfig(Path dataDirectory, String hostName, JournalConfig journal, List<Path> fileWatchPaths,
                          Sensors sensors, long hashBytesPerSecond, int queueCapacity, Duration lossReportInterval,
                          Duration socketInventoryInterval, Scope scope) {

    public AgentConfig {
        fileWatchPaths = List.copyOf(fileWatchPaths);
        scope = scope == null ? Scope.HOST : scope;
    }

    /** Which sensors run. */
    public record Sensors(boolean audit, boolean processConnector, boolean fanotify, boolean socketInventory) {
        public static Sensors all() {
            return new Sensors(true, true, true, true);
        }
    }

    public static AgentConfig defaults(Path dataDirectory, String hostName) {
        return new AgentConfig(dataDirectory, hostName, JournalConfig.defaults(), List.of(), Sensors.all(),
                64L << 20, 262_144, Duration.ofSeconds(5), Duration.ofMinutes(5), Scope.HOST);
    }

    public AgentConfig withFileWatchPaths(List<Path> paths) {
        return new AgentConfig(dataDirectory, hostName, journal, paths, sensors, hashBytesPerSecond, queueCapacity, lossReportInterval, socketInventoryInterval, scope);
    }

    public AgentConfig withSensors(Sensors newSensors) {
        return new AgentConfig(dataDirectory, hostName, journal, fileWatchPaths, newSensors, hashBytesPerSecond, queueCapacity, lossReportInterval, socketInventoryInterval, scope);
    }

    public AgentConfig withScope(Scope newScope) {
        return new AgentConfig(dataDirectory, hostName, journal, fileWatchPaths, sensors, hashBytesPerSecond, queueCapacity, lossReportInterval, socketInventoryInterval, newScope);
    }

    public AgentConfig withJournal(JournalConfig newJournal) {
        return new AgentConfig(dataDirectory, hostName, newJournal, fileWatchPaths, sensors, hashBytesPerSecond, queueCapacity, lossReportInterval, socketInventoryInterval, scope);
    }
}
