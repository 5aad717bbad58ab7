package dev.kiroku.sandbox.detonate;

import dev.kiroku.event.Event;
import dev.kiroku.sandbox.Reason;
import dev.kiroku.sandbox.Sample;
import dev.kiroku.sandbox.statics.FileType;
import dev.kiroku.sandbox.statics.StaticReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Runs samples in the namespace sandbox, one at a time (the audit sensor is machine-wide), recorded
 * by Kiroku's agent, and turns what happened into a {@link DetonationReport} and scored reasons.
 * Everything set up for a run (cgroups, network namespace, scratch mount, work directory) is removed
 * afterwards, whatever failed.
 */
public final class Detonator {
    /** Detonation settings: limits (time limit comes per run), whether to record with the sensor, how long to wait for the audit lock. */
    public record Settings(Limits limits, boolean recordWithSensor, Duration auditLockWait) {
        public static Settings defaults() {
            return new Settings(Limits.defaults(Duration.ofSeconds(8)), true, Duration.ofMinutes(2));
        }
    }

    /** The report and the reasons it contributes to the score. */
    public record Detonation(DetonationReport report, List<Reason> reasons) {
    }

    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final int OUTPUT_LIMIT = 4096;

    private final Path workRoot;
    private final Settings settings;
    private final BehaviourRules rules;
    private final LiveEvents live;

    public Detonator(Path workRoot, Settings settings, BehaviourRules rules) {
        this(workRoot, settings, rules, null);
    }

    /**
     * @param live the running agent's events (null if none): once {@linkplain LiveEvents#attached()
     *             attached}, detonations are recorded from it instead of by an agent of their own
     */
    public Detonator(Path workRoot, Settings settings, BehaviourRules rules, LiveEvents live) {
        this.workRoot = workRoot;
        this.settings = settings;
        this.rules = rules;
        this.live = live;
    }

    public synchronized Detonation detonate(Sample sample, StaticReport statics, Duration timeLimit) throws InterruptedException {
        List<String> command = commandFor(statics, sample);
        if (command.isEmpty()) {
            String why = statics.type().archive() ? "archives are not detonated; their members are analysed statically"
                    : "a " + statics.type().label() + " file cannot run in the Linux sandbox";
            return new Detonation(DetonationReport.notRun(why), List.of(Reason.note("dynamic.not_run", why, sample.name())));
        }
        String runId = "kiroku-sbx-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet();
        Path workDir = workRoot.resolve(runId);
        Limits limits = new Limits(settings.limits().cpuPercent(), settings.limits().memoryBytes(), settings.limits().maxProcesses(),
                settings.limits().scratchBytes(), timeLimit);
        try {
            Files.createDirectories(workDir);
            return run(sample, command, runId, workDir, limits);
        } catch (IOException e) {
            String why = "sandbox could not be set up: " + e.getMessage();
            return new Detonation(new DetonationReport("failed", why, command, -1, 0, "", List.of(), List.of(), List.of(), List.of(),
                    List.of(), List.of(), List.of(), null, ""), List.of(Reason.note("dynamic.failed", why, sample.name())));
        } finally {
            deleteTree(workDir);
        }
    }

    private Detonation run(Sample sample, List<String> command, String runId, Path workDir, Limits limits)
            throws IOException, InterruptedException {
        try (ScratchLayer scratch = ScratchLayer.mount(workDir.resolve("scratch"), limits.scratchBytes())) {
            scratch.place("sandbox/" + insideName(sample), Files.readAllBytes(sample.file()), true);
            try (SinkNetwork network = SinkNetwork.create(runId); SandboxCgroup cgroup = SandboxCgroup.create(runId, limits)) {
                Recording recording = null;
                String recordingNote;
                if (!settings.recordWithSensor()) {
                    recordingNote = "sensor recording disabled: recorded by the sink and the scratch layer only";
                } else if (live != null && live.attached()) {
                    recording = LiveRecording.open(live);
                    recordingNote = "";
                } else {
                    try {
                        recording = SensorRecording.start(workDir.resolve("agent"), scratch.mountPoint(), settings.auditLockWait());
                        recordingNote = "";
                    } catch (IOException e) {
                        recordingNote = "kiroku agent could not start (" + e.getMessage() + "): recorded by the sink and the scratch layer only";
                    }
                }
                SandboxRun.Outcome outcome;
                List<Event> recorded = List.of();
                try {
                    outcome = SandboxRun.run(workDir, scratch, cgroup, network, command, limits.timeLimit());
                    if (recording != null) recorded = recording.finish(outcome.hostPid(), cgroup.path());
                } finally {
                    if (recording != null) recording.close();
                }
                if (recording != null) recordingNote = recording.description();
                List<Event> events = new SandboxScope(cgroup.path(), outcome.hostPid(), scratch).sampleEvents(recorded);
                SandboxCgroup.Usage usage = cgroup.usage();
                String output = scratch.kirokuFile("output", OUTPUT_LIMIT);
                String launcher = SandboxRun.launcherOutput(workDir);
                if (!launcher.isBlank()) recordingNote += "; sandbox set-up said: " + launcher.strip();
                Evidence evidence = Evidence.collect(events, scratch.changes(), network.sink(), rules.run(events), usage, outcome, limits);
                DetonationReport report = new DetonationReport(outcome.timedOut() ? "timed_out" : "completed",
                        recording == null ? recordingNote : "", command, outcome.exitCode(), outcome.duration().toMillis(), recordingNote,
                        evidence.processes(), evidence.files(), evidence.fileEvents(), evidence.connections(), evidence.dns(),
                        evidence.persistence(), evidence.rules(), usage, output);
                return new Detonation(report, evidence.reasons());
            }
        }
    }

    /** The command inside the sandbox: scripts through their interpreter, ELF directly; empty when it cannot run. */
    static List<String> commandFor(StaticReport statics, Sample sample) {
        String path = "/sandbox/" + insideName(sample);
        FileType type = statics.type();
        return switch (type) {
            case ELF -> List.of(path);
            case SHELL_SCRIPT, PYTHON_SCRIPT, PERL_SCRIPT, OTHER_SCRIPT -> List.of(path);
            case TEXT -> List.of("/bin/sh", path);
            default -> List.of();
        };
    }

    /** The sample's name with anything but [A-Za-z0-9._-] replaced, never empty or hidden. */
    static String insideName(Sample sample) {
        String name = sample.name().replaceAll("[^A-Za-z0-9._-]", "_");
        if (name.isEmpty() || name.startsWith(".")) name = "sample" + name;
        return name.length() > 100 ? name.substring(0, 100) : name;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            System.err.println("kiroku sandbox: could not remove " + dir + ": " + e.getMessage());
        }
    }

}
