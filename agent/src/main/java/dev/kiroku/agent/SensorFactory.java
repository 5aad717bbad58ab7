package dev.kiroku.agent;

import dev.kiroku.agent.enrich.KernelIds;
import dev.kiroku.agent.enrich.Observation;
import dev.kiroku.agent.loss.LossLedger;
import dev.kiroku.sensor.linux.audit.AuditSource;
import dev.kiroku.sensor.linux.audit.AuditSourceConfig;
import dev.kiroku.sensor.linux.audit.AuditSourceStatus;
import dev.kiroku.sensor.linux.bpf.BpfProcessSource;
import dev.kiroku.sensor.linux.bpf.BpfProcessStatus;
import dev.kiroku.sensor.linux.bpf.ProcessRecord;
import dev.kiroku.sensor.linux.fanotify.FanotifyFileSource;
import dev.kiroku.sensor.linux.fanotify.FanotifySettings;
import dev.kiroku.sensor.linux.fanotify.FanotifyStatus;
import dev.kiroku.sensor.linux.proc.ExecNotice;
import dev.kiroku.sensor.linux.proc.ExitNotice;
import dev.kiroku.sensor.linux.proc.ForkNotice;
import dev.kiroku.sensor.linux.proc.ProcConnectorSource;
import dev.kiroku.sensor.linux.proc.ProcConnectorStatus;
import dev.kiroku.sensor.linux.proc.ProcLossNotice;
import dev.kiroku.sensor.linux.sockdiag.SockDiag;
import dev.kiroku.sensor.linux.sockdiag.SocketOwners;

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

    /** Whether the BPF process sensor runs, and so reports execs with their arguments instead of audit. */
    private boolean execsFromBpf;

    List<Agent.Sensor> start() {
        List<Agent.Sensor> started = new ArrayList<>();
        AgentConfig.Sensors wanted = config.sensors();
        if (wanted.processConnector()) started.add(processTree());
        if (wanted.audit()) started.add(audit());
        if (wanted.fanotify()) started.add(fanotify());
        if (wanted.socketInventory()) started.add(socketInventory());
        return started;
    }

    private Agent.Sensor audit() {
        AuditSourceConfig settings = AuditSourceConfig.defaults(config.dataDirectory().resolve("audit"));
        AuditSource source = new AuditSource(execsFromBpf ? settings.withoutExecRules() : settings, clock);
        return KernelSensor.start("audit", source,
                () -> source.start(activity -> queue.accept(new Observation.Audit(activity))),
                () -> {
                    AuditSourceStatus s = source.status();
                    return new AgentStatus.Sensor("audit", "running", s.mode().name().toLowerCase(),
                            "records=" + s.recordsReceived() + " kernel_lost=" + s.kernelLostSinceStart() + " backlog="
                                    + s.kernelBacklog() + "/" + s.kernelBacklogLimit() + " rules=" + s.rulesInstalled()
                                    + (s.problems().isEmpty() ? "" : " problems=" + s.problems()));
                },
                ledger -> {
                    ledger.register("audit", "kernel audit lost counter", () -> source.status().kernelLostSinceStart());
                    ledger.register("audit_receive", "audit records dropped by the reader", () -> {
                        AuditSourceStatus s = source.status();
                        return s.internalDrops() + s.receiveOverruns();
                    });
                });
    }

    private Agent.Sensor fanotify() {
        FanotifySettings settings = (config.fileWatchPaths().isEmpty()
                ? FanotifySettings.allLocalFilesystems()
                : FanotifySettings.filesystemsOf(config.fileWatchPaths().toArray(Path[]::new)))
                .ignoringPids(Set.of((int) ProcessHandle.current().pid()));
        FanotifyFileSource source = new FanotifyFileSource(settings, clock);
        return KernelSensor.start("fanotify", source,
                () -> source.start(activity -> queue.accept(new Observation.File(activity))),
                () -> {
                    FanotifyStatus s = source.status();
                    return new AgentStatus.Sensor("fanotify", "running", "filesystem marks " + s.marked(),
                            "events=" + s.events() + " overflows=" + s.overflows() + " unresolved_paths=" + s.unresolvedPaths()
                                    + (s.markFailures().isEmpty() ? "" : " mark_failures=" + s.markFailures()));
                },
                ledger -> ledger.register("fanotify", "fanotify queue overflow (each: at least one event)",
                        () -> source.status().overflows()));
    }

    /**
     * The process tree's feed (the sensor keeps its name {@code proc_connector}): Kiroku's BPF programs when they load
     * here, else the proc connector, with the reason in its status. {@code -Dkiroku.agent.processSource=proc_connector}
     * chooses the proc connector.
     */
    private Agent.Sensor processTree() {
        String bpfProblem = "proc_connector".equals(System.getProperty("kiroku.agent.processSource"))
                ? "not chosen (-Dkiroku.agent.processSource=proc_connector)"
                : BpfProcessSource.unavailable().orElse(null);
        if (bpfProblem == null) {
            BpfProcessSource source = new BpfProcessSource();
            KernelSensor sensor = KernelSensor.start("proc_connector", source,
                    () -> source.start(record -> queue.accept(observation(record))),
                    () -> {
                        BpfProcessStatus s = source.status();
                        return new AgentStatus.Sensor("proc_connector", s.running() ? "running" : "stopped",
                                "bpf ring buffer (fork/exec/exit tracepoints; execs with argv, exe, cwd)", "records=" + s.records() + " dropped=" + s.dropped()
                                        + (s.malformed() + s.sinkFailures() == 0 ? "" : " malformed=" + s.malformed()
                                        + " sink_failures=" + s.sinkFailures()));
                    },
                    ledger -> ledger.register("process_bpf", "BPF process ring buffer full", () -> source.status().dropped()),
                    batch -> source.pull(record -> batch.accept(observation(record))));
            if (sensor.failure() == null) {
                execsFromBpf = true;
                return sensor;
            }
            bpfProblem = sensor.failure();
        }
        return processConnector(bpfProblem);
    }

    private static Observation observation(ProcessRecord record) {
        KernelIds ids = new KernelIds(record.cgroupId(), record.pidNamespace(), record.mountNamespace(), record.netNamespace());
        long ticks = BpfProcessSource.startTicks(record.startBoottimeNanos());
        return switch (record.kind()) {
            case FORK -> new Observation.Fork(record.ppid(), record.pid(), record.time(), record.monotonicNanos(), ticks, ids);
            case EXEC -> new Observation.Exec(record.pid(), record.time(), ticks, ids, record.exec(), record.executableIdentity());
            case EXIT -> new Observation.Exit(record.pid(), record.exitCode(), record.signal(), record.time());
        };
    }

    private Agent.Sensor processConnector(String bpfProblem) {
        ProcConnectorSource source = ProcConnectorSource.forkAndExit();
        return KernelSensor.start("proc_connector", source,
                () -> source.start(notice -> {
                    switch (notice) {
                        case ForkNotice fork -> queue.accept(new Observation.Fork(fork.ppid(), fork.pid(), fork.time(), fork.monotonicNanos()));
                        case ExitNotice exit -> queue.accept(new Observation.Exit(exit.pid(), exit.exitCode(), exit.signal(), exit.time()));
                        case ExecNotice ignored -> { } // not subscribed: audit reports execs with their arguments
                        case ProcLossNotice ignored -> { } // counted in the source's status
                    }
                }),
                () -> {
                    ProcConnectorStatus s = source.status();
                    return new AgentStatus.Sensor("proc_connector", s.running() ? "running" : "stopped",
                            "fork/exit feed (proc connector; bpf: " + bpfProblem + ")",
                            "notices=" + s.notices() + " overruns=" + s.overruns());
                },
                ledger -> ledger.register("proc_connector", "proc connector ENOBUFS", () -> source.status().overruns()));
    }

    /** sock_diag: listening sockets and established connections, at start and then periodically. */
    private Agent.Sensor socketInventory() {
        Thread thread = Thread.ofPlatform().name("kiroku-sockets").daemon().unstarted(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try (SockDiag diag = SockDiag.open()) {
                    queue.accept(new Observation.Sockets(diag.dumpAll(), SocketOwners.scan(), clock.instant()));
                } catch (Exception e) {
                    System.err.println("kiroku agent: socket inventory failed: " + e.getMessage());
                }
                try {
                    Thread.sleep(config.socketInventoryInterval());
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        thread.start();
        return new Agent.Sensor() {
            public String name() {
                return "socket_inventory";
            }

            public AgentStatus.Sensor status() {
                return new AgentStatus.Sensor("socket_inventory", thread.isAlive() ? "running" : "stopped",
                        "sock_diag every " + config.socketInventoryInterval().toSeconds() + "s", "");
            }

            public void registerLosses(LossLedger ledger) {
            }

            public void close() throws InterruptedException {
                thread.interrupt();
                thread.join(2000);
            }
        };
    }
}
