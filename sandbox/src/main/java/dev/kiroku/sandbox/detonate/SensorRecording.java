package dev.kiroku.sandbox.detonate;

import dev.kiroku.agent.Agent;
import dev.kiroku.agent.AgentConfig;
import dev.kiroku.agent.AgentStatus;
import dev.kiroku.agent.journal.Batch;
import dev.kiroku.agent.journal.Journal;
import dev.kiroku.agent.journal.JournalConfig;
import dev.kiroku.event.Event;
import dev.kiroku.sensor.linux.audit.AuditLock;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Kiroku's own agent recording the machine for the length of one detonation: audit (execs with
 * arguments, connects), the proc connector (forks, exits) and fanotify on the sandbox's scratch
 * filesystem (what the sample writes). It holds the machine-wide audit lock only while it runs. The
 * events are everything the agent recorded, read back from its journal after it stopped; the
 * caller keeps those of the sandbox ({@link SandboxScope}).
 */
final class SensorRecording implements Recording {
    /** The enrichment stage holds exits and file changes this long to order them after their exec. */
    static final Duration SETTLE = Duration.ofMillis(1500);

    private final AuditLock lock;
    private final Agent agent;
    private final Path data;
    private final TreeMap<Long, Event> delivered = new TreeMap<>();
    private List<String> sensorProblems = List.of();
    private boolean closed;

    private SensorRecording(AuditLock lock, Agent agent, Path data) {
        this.lock = lock;
        this.agent = agent;
        this.data = data;
    }

    static SensorRecording start(Path data, Path watchedFilesystem, Duration lockWait) throws IOException, InterruptedException {
        AuditLock lock = AuditLock.acquire(lockWait);
        try {
            AgentConfig config = AgentConfig.defaults(data, "kiroku-sandbox")
                    .withFileWatchPaths(List.of(watchedFilesystem))
                    .withSensors(new AgentConfig.Sensors(true, true, true, false));
            Agent agent = new Agent(config, InstantSource.system());
            SensorRecording recording = new SensorRecording(lock, agent, data);
            agent.start(recording::deliver);
            recording.sensorProblems = agent.status().sensors().stream()
                    .filter(s -> !"running".equals(s.state())).map(s -> s.name() + ": " + s.detail()).toList();
            return recording;
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private synchronized void deliver(List<Event> batch) {
        for (Event e : batch) delivered.put(e.sequence(), e);
    }

    @Override
    public String description() {
        return "kiroku agent (audit, proc connector, fanotify on the scratch layer)"
                + (sensorProblems.isEmpty() ? "" : "; sensors not running: " + sensorProblems);
    }

    AgentStatus status() {
        return agent.status();
    }

    /** Lets the enrichment stage settle, stops the agent and returns every event it recorded, in sequence order. */
    @Override
    public List<Event> finish(long launcherPid, String cgroupPath) throws IOException, InterruptedException {
        Thread.sleep(SETTLE.toMillis());
        close();
        TreeMap<Long, Event> all;
        synchronized (this) {
            all = new TreeMap<>(delivered);
        }
        try (Journal journal = Journal.open(data.resolve("journal"), JournalConfig.defaults(), InstantSource.system())) {
            long next = all.isEmpty() ? 0 : all.lastKey() + 1;
            for (Batch batch; !(batch = journal.readFrom(next, 10_000)).isEmpty(); next = batch.nextSequence())
                for (Event e : batch.events()) all.put(e.sequence(), e);
        }
        return new ArrayList<>(all.values());
    }

    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        boolean interrupted = Thread.interrupted(); // the agent must restore audit state whatever happened
        try {
            agent.close();
        } finally {
            try {
                lock.close();
            } finally {
                if (interrupted) Thread.currentThread().interrupt();
            }
        }
    }

}
