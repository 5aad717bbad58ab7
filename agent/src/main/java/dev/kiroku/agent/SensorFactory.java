package dev.kiroku.agent;

import dev.kiroku.agent.enrich.Observation;
import dev.kiroku.agent.loss.LossLedger;
import dev.kiroku.sensor.linux.audit.AuditSource;
import dev.kiroku.sensor.linux.audit.AuditSourceConfig;
import dev.kiroku.sensor.linux.audit.AuditSourceStatus;
import dev.kiroku.sensor.linux.fanotify.FanotifyFileSource;
import dev.kiroku.sensor.linux.fanotify.FanotifySettings;
import dev.kiroku.sensor.linux.fanotify.FanotifyStatus;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** Starts the configured sensors; one that cannot start is reported as failed and the rest run. */
final class SensorFactory {
    private final AgentConfig config;
    private final InstantSource clock;
    private final Consumer<Observation> queue;

    SensorFactory(AgentConfig config, InstantSource clock, Consumer<Observation> queue) {
        this.config = config;
        this.clock = clock;
        this.queue = queue;
    }

    List<Agent.Sensor> start() {
        List<Agent.Sensor> started = new ArrayList<>();
        AgentConfig.Sensors wanted = config.sensors();
        if (wanted.processConnector()) started.add(processConnector());
        if (wanted.audit()) started.add(audit());
        if (wanted.fanotify()) started.add(fanotify());
        return started;
    }

    private Agent.Sensor audit() {
        AuditSource source = new AuditSource(AuditSourceConfig.defaults(config.dataDirectory().resolve("audit")), clock);
        String failure = null;
        try {
            source.start(activity -> queue.accept(new Observation.Audit(activity)));
        } catch (Exception e) {
            failure = e.getMessage();
            source.close();
        }
        String failed = failure;
        return new Agent.Sensor() {
            public String name() {
                return "audit";
            }

            public AgentStatus.Sensor status() {
                if (failed != null) return new AgentStatus.Sensor("audit", "failed", "-", failed);
                AuditSourceStatus s = source.status();
                return new AgentStatus.Sensor("audit", "running", s.mode().name().toLowerCase(),
                        "records=" + s.recordsReceived() + " kernel_lost=" + s.kernelLostSinceStart() + " backlog="
                                + s.kernelBacklog() + "/" + s.kernelBacklogLimit() + " rules=" + s.rulesInstalled()
                                + (s.problems().isEmpty() ? "" : " problems=" + s.problems()));
            }

            public void registerLosses(LossLedger ledger) {
                if (failed != null) return;
                ledger.register("audit", "kernel audit lost counter", () -> source.status().kernelLostSinceStart());
                ledger.register("audit_receive", "audit records dropped by the reader", () -> {
                    AuditSourceStatus s = source.status();
                    return s.internalDrops() + s.receiveOverruns();
                });
            }

            public void close() {
                source.close();
            }
        };
    }

    private Agent.Sensor fanotify() {
        FanotifySettings settings = (config.fileWatchPaths().isEmpty()
                ? FanotifySettings.allLocalFilesystems()
                : FanotifySettings.filesystemsOf(config.fileWatchPaths().toArray(Path[]::new)))
                .ignoringPids(Set.of((int) ProcessHandle.current().pid()));
        FanotifyFileSource source = new FanotifyFileSource(settings, clock);
        String failure = null;
        try {
            source.start(activity -> queue.accept(new Observation.File(activity)));
        } catch (Exception e) {
            failure = e.getMessage();
            source.close();
        }
        String failed = failure;
        return new Agent.Sensor() {
            public String name() {
                return "fanotify";
            }

            public AgentStatus.Sensor status() {
                if (failed != null) return new AgentStatus.Sensor("fanotify", "failed", "-", failed);
                FanotifyStatus s = source.status();
                return new AgentStatus.Sensor("fanotify", "running", "filesystem marks " + s.marked(),
                        "events=" + s.events() + " overflows=" + s.overflows() + " unresolved_paths=" + s.unresolvedPaths()
                                + (s.markFailures().isEmpty() ? "" : " mark_failures=" + s.markFailures()));
            }

            public void registerLosses(LossLedger ledger) {
                if (failed != null) return;
                ledger.register("fanotify", "fanotify queue overflow (each: at least one event)", () -> source.status().overflows());
            }

            public void close() {
                source.close();
            }
        };
    }

    private Agent.Sensor processConnector() {
        return new Agent.Sensor() {
            public String name() {
                return "proc_connector";
            }

            public AgentStatus.Sensor status() {
                return new AgentStatus.Sensor("proc_connector", "disabled", "-", "not built yet");
            }

            public void registerLosses(LossLedger ledger) {
            }

            public void close() {
            }
        };
    }
}
