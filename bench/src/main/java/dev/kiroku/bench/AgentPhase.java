package dev.kiroku.bench;

import dev.kiroku.agent.Agent;
import dev.kiroku.agent.AgentConfig;
import dev.kiroku.agent.AgentStatus;
import dev.kiroku.event.Event;
import dev.kiroku.event.EventSink;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.Incomplete;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessStart;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Kiroku agent recording the storms, in this JVM, which runs nothing else: the agent ships to
 * an {@link EventSink} that acknowledges every batch without storing it, so no server work
 * (indexing, detection) is in the measured CPU time. What was captured is counted from the
 * agent's journal once the agent has drained its queue.
 */
final class AgentPhase {

    /** Sizes of the storms. */
    record Sizes(int warmupExecs, int execs, int connects, int files) {
    }

    record Outcome(int execRequested, int execCaptured, int execInexact, List<Integer> execMissingSample,
                   long execStormNanos, long execCpuMicros, int allExecsInWindow, double warmupCpuUsPerExec,
                   double idleCpuMsPerSecond,
                   int connectRequested, int connectFailedByClient, int connectCaptured, int connectWithoutPid,
                   long connectStormNanos,
                   int fileRequested, int fileCreatesCaptured, int fileDeletesCaptured, int fileUnresolved,
                   long fileStormNanos,
                   long rssKb, Map<String, Long> losses, List<String> sensors, long eventsRecorded,
                   long shippedWithoutStoring, Map<String, Long> execCpuMillisByThread,
                   Map<String, Long> execContextSwitchesByThread, List<String> notes) {

        double execCpuUsPerExec() {
            return execCaptured == 0 ? Double.NaN : (double) execCpuMicros / execCaptured;
        }

        int fileCaptured() {
            return fileCreatesCaptured + fileDeletesCaptured;
        }

        long reportedLost() {
            return losses.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Acknowledges every batch without storing it: the agent's cost without any server work. */
    static final class DiscardingSink implements EventSink {
        final AtomicLong delivered = new AtomicLong();

        @Override
        public void deliver(List<Event> batch) {
            delivered.addAndGet(batch.size());
        }
    }

    private AgentPhase() {
    }

    static Outcome run(Sizes sizes, Path workDir, Path scratch, Duration stormTimeout, PrintStream progress)
            throws IOException, InterruptedException {
        List<String> notes = new ArrayList<>();
        Path data = workDir.resolve("agent-" + System.currentTimeMillis());
        AgentConfig config = AgentConfig.defaults(data, hostName()).withFileWatchPaths(List.of(scratch));
        DiscardingSink sink = new DiscardingSink();
        Instant phaseStart = Instant.now();
        Agent agent = new Agent(config, InstantSource.system());
        try {
            agent.start(sink);
            for (AgentStatus.Sensor s : agent.status().sensors()) {
                if (!"running".equals(s.state())) notes.add("agent sensor " + s.name() + " is " + s.state() + ": " + s.detail());
                if ("audit".equals(s.name()) && !"daemon".equals(s.mode())) {
                    notes.add("agent audit sensor runs in mode '" + s.mode() + "', not as the audit daemon");
                }
            }
            progress.println("bench: agent started (" + data + "), settling");
            awaitDrained(agent, Duration.ofSeconds(30), notes, "start-up");

            long idle0 = ProcStats.cpuMicros("self");
            long idleStart = System.nanoTime();
            Thread.sleep(sizes.execs() >= 10_000 ? 2000 : 1000);
            double idleMsPerSecond = (ProcStats.cpuMicros("self") - idle0) / 1000.0 / ((System.nanoTime() - idleStart) / 1e9);

            progress.println("bench: agent warm-up storm of " + sizes.warmupExecs() + " execs");
            long w0 = ProcStats.cpuMicros("self");
            Storms.exec(CaptureBench.marker("w"), sizes.warmupExecs(), stormTimeout);
            awaitDrained(agent, Duration.ofSeconds(60), notes, "warm-up");
            double warmupPerExec = (double) (ProcStats.cpuMicros("self") - w0) / sizes.warmupExecs();

            // ---- exec storm: the CPU window is from just before the storm until the agent has drained
            String marker = CaptureBench.marker("x");
            progress.println("bench: agent exec storm of " + sizes.execs() + " (load " + ProcStats.loadAverage() + ")");
            Instant execFrom = Instant.now();
            java.util.Map<String, Long> threads0 = ProcStats.threadCpuMicros();
            java.util.Map<String, Long> switches0 = ProcStats.threadContextSwitches();
            long cpu0 = ProcStats.cpuMicros("self");
            Storms.Result execStorm = Storms.exec(marker, sizes.execs(), stormTimeout);
            awaitDrained(agent, Duration.ofSeconds(120), notes, "exec storm");
            long cpu1 = ProcStats.cpuMicros("self");
            java.util.Map<String, Long> threadMillis = ProcStats.threadCpuDeltaMillis(threads0, ProcStats.threadCpuMicros());
            java.util.Map<String, Long> switches = new LinkedHashMap<>();
            ProcStats.threadContextSwitches().forEach((name, n) -> {
                long delta = n - switches0.getOrDefault(name, 0L);
                if (delta > 0) switches.put(name, delta);
            });
            Instant execTo = Instant.now();
            if (execStorm.exitCode() != 0) notes.add("exec storm exited " + execStorm.exitCode() + ": " + execStorm.output());

            // ---- connect storm, to a listener in this JVM (accept and close)
            progress.println("bench: agent connect storm of " + sizes.connects());
            Storms.Result connectStorm;
            int port;
            try (ServerSocket listener = new ServerSocket(0, 4096, InetAddress.getByName("127.0.0.1"))) {
                port = listener.getLocalPort();
                Thread acceptor = Thread.ofPlatform().name("bench-acceptor").daemon().start(() -> {
                    while (!listener.isClosed()) {
                        try (Socket ignored = listener.accept()) {
                            // accept and close
                        } catch (IOException e) {
                            return;
                        }
                    }
                });
                connectStorm = Storms.connect(port, sizes.connects(), stormTimeout);
                listener.close();
                acceptor.join(2000);
            }
            if (connectStorm.failed() > 0) notes.add("connect storm: " + connectStorm.failed() + " connects failed in bash");

            // ---- file storm in the scratch directory (the only filesystem the agent's fanotify marks)
            progress.println("bench: agent file storm of " + sizes.files() + " creates + deletes in " + scratch);
            Storms.Result fileStorm = Storms.files(scratch, sizes.files(), stormTimeout);
            if (fileStorm.failed() > 0) notes.add("file storm: " + fileStorm.failed() + " create/delete failures in perl");
            awaitDrained(agent, Duration.ofSeconds(120), notes, "connect and file storms");
            long rssKb = ProcStats.statusKb("self", "VmHWM");

            Tally tally = tally(agent, phaseStart, marker, sizes, port, scratch, execFrom, execTo);
            if (tally.execs.cardinality() < sizes.execs() || tally.connects < sizes.connects()
                    || tally.creates.cardinality() + tally.deletes.cardinality() < 2 * sizes.files()) {
                Thread.sleep(3000);
                Tally again = tally(agent, phaseStart, marker, sizes, port, scratch, execFrom, execTo);
                if (again.execs.cardinality() != tally.execs.cardinality() || again.connects != tally.connects
                        || again.creates.cardinality() != tally.creates.cardinality()
                        || again.deletes.cardinality() != tally.deletes.cardinality()) {
                    notes.add("some events reached the journal more than 3 s after the agent looked drained");
                }
                tally = again;
            }
            List<Integer> missing = new ArrayList<>();
            for (int i = tally.execs.nextClearBit(0); i < sizes.execs() && missing.size() < 20; i = tally.execs.nextClearBit(i + 1)) {
                missing.add(i);
            }
            AgentStatus status = agent.status();
            List<String> sensors = status.sensors().stream()
                    .map(s -> s.name() + " " + s.state() + " (" + s.mode() + ") " + s.detail()).toList();
            if (tally.fileOther > 0) notes.add(tally.fileOther + " other file events in the scratch directory (e.g. MODIFY on close)");
            return new Outcome(sizes.execs(), tally.execs.cardinality(), tally.execInexact, missing,
                    execStorm.nanos(), cpu1 - cpu0, tally.allExecsInWindow, warmupPerExec, idleMsPerSecond,
                    sizes.connects(), connectStorm.failed(), tally.connects, tally.connectsWithoutPid, connectStorm.nanos(),
                    2 * sizes.files(), tally.creates.cardinality(), tally.deletes.cardinality(), tally.fileUnresolved,
                    fileStorm.nanos(), rssKb, new LinkedHashMap<>(status.losses()), sensors, status.eventsRecorded(),
                    sink.delivered.get(), threadMillis, switches, notes);
        } finally {
            agent.close();
            if (!Boolean.getBoolean("kiroku.bench.keep")) CaptureBench.deleteTree(data);
        }
    }

    private static final class Tally {
        final BitSet execs;
        int execInexact;
        int allExecsInWindow;
        int connects;
        int connectsWithoutPid;
        final BitSet creates;
        final BitSet deletes;
        int fileUnresolved;
        int fileOther;

        Tally(Sizes sizes) {
            execs = new BitSet(sizes.execs());
            creates = new BitSet(sizes.files());
            deletes = new BitSet(sizes.files());
        }
    }

    /** One pass over the journal since the phase started: exact exec argv, connects with a pid, file paths. */
    private static Tally tally(Agent agent, Instant from, String marker, Sizes sizes, int port, Path scratch,
                               Instant execFrom, Instant execTo) {
        Tally t = new Tally(sizes);
        String dirPrefix = scratch.toString() + "/";
        Pattern fileName = Pattern.compile("f(\\d+)");
        try (Stream<Event> events = agent.journal().readRange(from.minusSeconds(5), Instant.now().plusSeconds(60))) {
            events.forEach(e -> {
                switch (e.payload()) {
                    case ProcessStart start when !start.snapshot() -> {
                        List<String> args = start.process().args();
                        if (!e.timestamp().isBefore(execFrom) && e.timestamp().isBefore(execTo)) t.allExecsInWindow++;
                        // the storm's own bash (argv: bash -c script name marker n) carries the marker too: not counted
                        if (!args.contains(marker) || args.isEmpty() || !args.getFirst().endsWith("/true")) return;
                        int i = args.size() == 3 && "/bin/true".equals(args.get(0)) && marker.equals(args.get(1))
                                ? index(args.get(2), sizes.execs()) : -1;
                        if (i >= 0) t.execs.set(i);
                        else t.execInexact++;
                    }
                    case NetworkActivity net when net.action() == NetworkActivity.Action.CONNECT && net.destinationPort() == port -> {
                        if (net.process() != null && net.process().pid() > 0) t.connects++;
                        else t.connectsWithoutPid++;
                    }
                    case FileChange file when file.path() != null && file.path().startsWith(dirPrefix) -> {
                        if (e.incomplete().contains(Incomplete.PATH)) t.fileUnresolved++;
                        Matcher m = fileName.matcher(file.path().substring(dirPrefix.length()));
                        int i = m.matches() ? index(m.group(1), sizes.files()) : -1;
                        if (i >= 0 && file.action() == FileChange.Action.CREATE) t.creates.set(i);
                        else if (i >= 0 && file.action() == FileChange.Action.DELETE) t.deletes.set(i);
                        else t.fileOther++;
                    }
                    default -> {
                    }
                }
            });
        }
        return t;
    }

    private static int index(String text, int n) {
        try {
            int i = Integer.parseInt(text);
            return i >= 0 && i < n && Integer.toString(i).equals(text) ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static final Pattern BACKLOG = Pattern.compile("backlog=(\\d+)/");

    /**
     * Waits until the agent has taken in what the storm produced: the enrichment queue is empty,
     * the kernel audit backlog is 0, fewer than 50 new events were recorded per 250 ms (background
     * noise of the machine), and shipping is within one batch of the journal, for one second in a
     * row; at least 1.5 s, so the enrichment's 1 s reorder buffer (exits, file changes) has emptied.
     */
    static void awaitDrained(Agent agent, Duration max, List<String> notes, String what) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + max.toNanos();
        long previous = agent.status().eventsRecorded();
        int quiet = 0;
        while (true) {
            Thread.sleep(250);
            AgentStatus s = agent.status();
            long recorded = s.eventsRecorded();
            long backlog = 0;
            for (AgentStatus.Sensor sensor : s.sensors()) {
                if ("audit".equals(sensor.name())) {
                    Matcher m = BACKLOG.matcher(sensor.detail());
                    if (m.find()) backlog = Long.parseLong(m.group(1));
                }
            }
            long unshipped = s.journal() == null ? 0 : s.journal().lastSequence() - s.journal().acknowledgedSequence();
            boolean idle = s.queueDepth() == 0 && backlog == 0 && recorded - previous < 50 && unshipped <= 2000;
            quiet = idle ? quiet + 1 : 0;
            previous = recorded;
            long elapsed = System.nanoTime() - start;
            if (quiet >= 4 && elapsed >= TimeUnit.MILLISECONDS.toNanos(1500)) return;
            if (System.nanoTime() > deadline) {
                notes.add(what + ": the agent did not look drained after " + max.toSeconds() + " s (queue " + s.queueDepth()
                        + ", audit backlog " + backlog + ", unshipped " + unshipped + "); counted anyway");
                return;
            }
        }
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
