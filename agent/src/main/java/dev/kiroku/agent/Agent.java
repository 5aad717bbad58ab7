package dev.kiroku.agent;

import dev.kiroku.agent.enrich.ExecutableHasher;
import dev.kiroku.agent.enrich.NativeEntityIds;
import dev.kiroku.agent.enrich.Observation;
import dev.kiroku.agent.enrich.Recorder;
import dev.kiroku.agent.journal.Journal;
import dev.kiroku.agent.loss.LossLedger;
import dev.kiroku.agent.policy.Policy;
import dev.kiroku.agent.policy.PolicyFile;
import dev.kiroku.agent.process.ProcFsProbe;
import dev.kiroku.agent.process.ProcessSnapshot;
import dev.kiroku.agent.process.ProcessTable;
import dev.kiroku.agent.ship.Shipper;
import dev.kiroku.event.Event;
import dev.kiroku.event.EventCodec;
import dev.kiroku.event.EventSink;
import dev.kiroku.event.Incomplete;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.sensor.linux.procfs.ProcFs;
import dev.kiroku.sensor.linux.procfs.UserNames;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The endpoint agent: sensors → bounded queue → enrichment ({@link Recorder}) → {@link Journal} →
 * {@link Shipper} → the server's {@link EventSink}. Start-up is an ordered list of named steps; a
 * failing sensor is reported in the status and the others run; stop tears down everything that
 * started, in reverse order, whatever failed.
 */
public final class Agent implements AutoCloseable {
    private final AgentConfig config;
    private final InstantSource clock;
    private final Deque<AutoCloseable> teardown = new ArrayDeque<>();
    private final List<Sensor> sensors = new ArrayList<>();
    /** The sensors as the enrichment thread sees them: it runs while they are added. */
    private final List<Sensor> pulledSensors = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicLong queueDrops = new AtomicLong();
    private final AtomicLong recorded = new AtomicLong();
    private BlockingQueue<Observation> queue;
    private String agentId;
    private Instant startedAt;
    private Journal journal;
    private ProcessTable table;
    private ExecutableHasher hasher;
    private Recorder recorder;
    private Shipper shipper;
    private LossLedger losses;
    private Thread recorderThread;
    private volatile boolean running;
    /** Most observations taken from the queue at once. */
    private static final int BATCH_MAX = 1024;
    /** Observations pulled from the sensors for the batch being made (enrichment thread only). */
    private final List<Observation> pulled = new ArrayList<>();
    /**
     * How long the enrichment thread lets observations gather after a batch before it takes the next: in a storm
     * (three observations per exec, from two sensor threads) one wake-up then serves many, and the sensors hand over
     * without waking it. An idle agent blocks on the queue as before, so an isolated observation waits for nothing.
     * 16 ms (4 before session 12): a storm of 250 execs/s then costs one wake-up per four execs, not one per exec.
     */
    static final Duration LINGER = Duration.ofMillis(16);
    /** Whether the last turn of the enrichment thread found observations (its state; only that thread uses it). */
    private boolean busy;
    private volatile Policy policy = Policy.DEFAULT;
    private final AtomicLong excludedByPolicy = new AtomicLong();
    private final AtomicLong outOfScope = new AtomicLong();
    private final AtomicLong discardedByPolicy = new AtomicLong();
    /** Told of every recorded event, on the recording thread (policy scans queue written files from it). */
    private volatile java.util.function.Consumer<Event> recordedTap = event -> { };
    /** Told of every new policy before it applies; may refuse it with an IllegalArgumentException; answers a note. */
    private final List<java.util.function.Function<Policy, String>> policyListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Events the agent itself makes (blocked executions), recorded on the enrichment thread. */
    private final java.util.Queue<Runnable> findings = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** A running sensor as the agent drives it. */
    interface Sensor extends AutoCloseable {
        String name();

        AgentStatus.Sensor status();

        /** Registers this sensor's loss counters. */
        void registerLosses(LossLedger ledger);

        /**
         * Hands what the sensor holds now to {@code batch}, on the enrichment thread, as it takes a batch (most hold
         * nothing): no queue, so no lock shared with the readers that offer to it.
         */
        default void pull(Consumer<Observation> batch) {
        }
    }

    public Agent(AgentConfig config, InstantSource clock) {
        this.config = config;
        this.clock = clock;
    }

    public synchronized void start(EventSink sink) throws IOException {
        startedAt = clock.instant();
        try {
            step("data directory", () -> Files.createDirectories(config.dataDirectory()));
            step("identity", () -> agentId = AgentIdentity.loadOrCreate(config.dataDirectory()));
            step("policy", () -> policy = PolicyFile.load(config.dataDirectory()));
            step("journal", () -> {
                journal = Journal.open(config.dataDirectory().resolve("journal"), PolicyFile.journal(config.journal(), policy), clock);
                teardown.push(journal);
            });
            queue = new ArrayBlockingQueue<>(config.queueCapacity());
            ProcFs proc = new ProcFs();
            ProcFsProbe probe = new ProcFsProbe(proc, new UserNames());
            table = new ProcessTable(NativeEntityIds.of(agentId), Duration.ofSeconds(30));
            hasher = new ExecutableHasher(config.hashBytesPerSecond(), clock);
            recorder = new Recorder(agentId, config.hostName(), table, probe, hasher, this::record);
            losses = new LossLedger(startedAt);
            step("process snapshot", () -> {
                for (var process : ProcessSnapshot.take(probe, table)) {
                    EnumSet<Incomplete> flags = EnumSet.noneOf(Incomplete.class);
                    if (process.executable() == null) flags.add(Incomplete.EXECUTABLE);
                    recorder.emit(startedAt, new ProcessStart(process, true), flags);
                }
            });
            running = true;
            recorderThread = Thread.ofPlatform().name("kiroku-recorder").daemon().start(this::recordLoop);
            teardown.push(this::stopRecorder);
            SensorFactory sensorFactory = new SensorFactory(config, clock, this::offer);
            for (Sensor sensor : sensorFactory.start()) {
                sensors.add(sensor);
                pulledSensors.add(sensor);
                teardown.push(sensor);
                sensor.registerLosses(losses);
            }
            losses.register("queue", "enrichment queue full", queueDrops::get);
            losses.register("hash", "executable hashing skipped for CPU budget", hasher::skippedForBudget);
            losses.register("file_hash", "written executables not hashed (over the size limit or unreadable)",
                    hasher::writtenNotHashed);
            losses.register("audit_malformed", "audit records that could not be parsed", recorder::malformedRecords);
            losses.register("journal", "journal size cap or full disk", () -> journal.status().lost());
            step("shipper", () -> {
                shipper = new Shipper(journal, sink, 2000, clock);
                shipper.start();
                teardown.push(shipper);
            });
            Thread statusThread = Thread.ofPlatform().name("kiroku-status").daemon().start(this::statusLoop);
            teardown.push(statusThread::interrupt);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private interface Step {
        void run() throws IOException;
    }

    private static void step(String name, Step step) throws IOException {
        try {
            step.run();
        } catch (IOException e) {
            throw new IOException("agent start-up step '" + name + "' failed: " + e.getMessage(), e);
        }
    }

    /**
     * Sources call this from their threads; a full queue drops and counts, never blocks a sensor.
     * Observations of a sensor the policy mutes are discarded here and counted apart from losses.
     */
    private void offer(Observation observation) {
        if (!muted(observation) && !queue.offer(observation)) queueDrops.incrementAndGet();
    }

    /** Whether the policy mutes the observation's sensor (then it is counted as discarded). */
    private boolean muted(Observation observation) {
        if (policy.mutedSensors().isEmpty() || !policy.mutedSensors().contains(sensorOf(observation))) return false;
        discardedByPolicy.incrementAndGet();
        return true;
    }

    private static String sensorOf(Observation observation) {
        return switch (observation) {
            case Observation.Audit a -> "audit";
            case Observation.File f -> "fanotify";
            case Observation.Fork f -> "proc_connector";
            case Observation.Exec e -> "proc_connector";
            case Observation.Exit e -> "proc_connector";
            case Observation.Sockets s -> "socket_inventory";
        };
    }

    private void record(Event event) {
        if (!config.scope().contains(event)) {
            outOfScope.incrementAndGet();
            return;
        }
        if (policy.excludes(event)) {
            excludedByPolicy.incrementAndGet();
            return;
        }
        journal.append(event);
        recorded.incrementAndGet();
        recordedTap.accept(event);
    }

    /** Hands every recorded event to {@code tap} on the recording thread; the tap must be quick and never block. */
    public void tapRecorded(java.util.function.Consumer<Event> tap) {
        recordedTap = tap;
    }

    /**
     * Tells {@code listener} the running policy now and every new one before it applies; the listener may refuse a
     * policy by throwing IllegalArgumentException (nothing changes then), and answers a note for the command result.
     */
    public String onPolicy(java.util.function.Function<Policy, String> listener) {
        policyListeners.add(listener);
        return listener.apply(policy);
    }

    /** Registers a loss counter of a part started beside the agent (reported with the agent's loss reports). */
    public void registerLoss(String source, String reason, java.util.function.LongSupplier lost) {
        losses.register(source, reason, lost);
    }

    /**
     * Applies a policy from now on, without a restart: muted sensors and exclusions at once; the
     * policy is kept in the data directory and its journal limits are taken at the next start.
     */
    public List<String> applyPolicy(Policy newPolicy) throws IOException {
        List<String> notes = new ArrayList<>();
        for (var listener : policyListeners) notes.add(listener.apply(newPolicy));
        PolicyFile.save(config.dataDirectory(), newPolicy);
        policy = newPolicy;
        return notes;
    }

    public Policy policy() {
        return policy;
    }

    /** Events seen on this machine outside the agent's scope (ADR 4), not recorded. */
    public long outOfScope() {
        return outOfScope.get();
    }

    /**
     * Enriches observations in batches: everything queued is taken at once, so a storm costs the
     * queue's lock once per batch, not once per observation.
     */
    private void recordLoop() {
        Instant nextTick = clock.instant().plus(config.lossReportInterval());
        List<Observation> batch = new ArrayList<>(BATCH_MAX);
        while (running || !queue.isEmpty()) {
            try {
                recordBatch(batch);
            } catch (InterruptedException e) {
                if (!running) break;
            }
            nextTick = reportLosses(nextTick);
        }
    }

    /*
     * The loop's turns are methods of their own: the JIT compiles a method once it has been called often enough,
     * but never recordLoop itself, which is entered once (the interpreter ran every turn before).
     */

    private void recordBatch(List<Observation> batch) throws InterruptedException {
        if (queue.isEmpty()) {
            if (busy) {
                // Observations are coming: let them gather for a moment instead of being woken by each one.
                Thread.sleep(LINGER);
            } else {
                Observation observation = queue.poll(100, TimeUnit.MILLISECONDS);
                if (observation != null) batch.add(observation);
            }
        }
        queue.drainTo(batch, BATCH_MAX);
        if (queue.isEmpty()) pullSensors(batch);
        Recorder.processRecordsFirst(batch);
        busy = !batch.isEmpty();
        Instant now = clock.instant();
        recorder.preview(batch);
        for (Observation observation : batch) observeOne(observation, now);
        batch.clear();
        recordFindings();
        drainDelayed(now);
    }

    /**
     * What the sensors hold comes along, after everything they handed over before; it never cuts the lingering short
     * (a storm's records would keep this thread spinning through tiny batches, taking the CPU from the processes it
     * records). Only when nothing older waits in the queue: a sensor's reader thread may hand records over up to the
     * moment this thread takes the sensor's lock, and those (an exec) are older than the ones pulled after them (its
     * exit), so they are drained again before the pulled ones join the batch.
     */
    private void pullSensors(List<Observation> batch) {
        for (Sensor sensor : pulledSensors) sensor.pull(observation -> {
            if (!muted(observation)) pulled.add(observation);
        });
        queue.drainTo(batch);
        batch.addAll(pulled);
        pulled.clear();
    }

    private Instant reportLosses(Instant nextTick) {
        Instant now = clock.instant();
        if (now.isBefore(nextTick)) return nextTick;
        table.expire(now);
        for (var loss : losses.report(now)) recorder.emit(now, loss, EnumSet.noneOf(Incomplete.class));
        return now.plus(config.lossReportInterval());
    }

    /**
     * Records an event the agent itself made about a process (a blocked execution), from any thread: it is built on the
     * enrichment thread after the observations queued before it, so the process table knows the process.
     */
    public void recordAbout(Instant time, int pid, String executable, java.util.function.Function<dev.kiroku.event.ProcessInfo, dev.kiroku.event.Payload> payload) {
        if (!running) return;
        findings.add(() -> recorder.emitAbout(time, pid, executable, payload));
    }

    private void recordFindings() {
        for (Runnable finding; (finding = findings.poll()) != null; ) {
            try {
                finding.run();
            } catch (RuntimeException e) {
                System.err.println("kiroku agent: an agent finding was not recorded: " + e);
            }
        }
    }

    private void observeOne(Observation observation, Instant now) {
        try {
            recorder.observe(observation, now);
        } catch (RuntimeException e) {
            System.err.println("kiroku agent: enrichment failed for one observation: " + e);
        }
    }

    private void drainDelayed(Instant now) {
        try {
            recorder.drain(now);
        } catch (RuntimeException e) {
            System.err.println("kiroku agent: enrichment failed for one delayed observation: " + e);
        }
    }

    private void stopRecorder() throws InterruptedException {
        running = false;
        recorderThread.join(10_000);
        recorder.drainAll();
        recordFindings();
        Instant now = clock.instant();
        for (var loss : losses.report(now)) recorder.emit(now, loss, EnumSet.noneOf(Incomplete.class));
        journal.flush();
    }

    private void statusLoop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                writeStatus();
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                System.err.println("kiroku agent: cannot write status: " + e.getMessage());
            }
        }
    }

    /** Writes the status where `kiroku agent status` reads it. */
    public void writeStatus() throws IOException {
        Path file = config.dataDirectory().resolve("status.json");
        Path temp = config.dataDirectory().resolve("status.json.tmp");
        Files.write(temp, EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(status()));
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public AgentStatus status() {
        List<AgentStatus.Sensor> sensorStates = sensors.stream().map(Sensor::status).toList();
        AgentStatus.Shipping shipping = shipper == null ? null
                : new AgentStatus.Shipping(shipper.shipped(), shipper.failures(), shipper.lastError(), shipper.failingSince());
        return new AgentStatus(agentId, config.hostName(), startedAt, clock.instant(), sensorStates,
                losses == null ? java.util.Map.of() : losses.totals(), recorded.get(),
                queue == null ? 0 : queue.size(), table == null ? 0 : table.size(),
                journal == null ? null : journal.status(), shipping,
                new AgentStatus.Policy(policy.version(), policy.mutedSensors(), excludedByPolicy.get(), discardedByPolicy.get()));
    }

    public String agentId() {
        return agentId;
    }

    /** The journal, for reading time ranges back. */
    public Journal journal() {
        return journal;
    }

    @Override
    public synchronized void close() {
        while (!teardown.isEmpty()) {
            AutoCloseable resource = teardown.pop();
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("kiroku agent: teardown step failed: " + e);
            }
        }
        try {
            if (agentId != null) writeStatus();
        } catch (IOException | RuntimeException e) {
            // the status file is a convenience; the journal is closed and intact
        }
    }
}
