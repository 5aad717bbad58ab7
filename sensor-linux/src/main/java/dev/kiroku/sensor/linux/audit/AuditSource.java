package dev.kiroku.sensor.linux.audit;

import dev.kiroku.sensor.linux.ffm.Errno;
import dev.kiroku.sensor.linux.ffm.ErrnoException;
import dev.kiroku.sensor.linux.ffm.Libc;
import dev.kiroku.sensor.linux.netlink.NetlinkMessages;
import dev.kiroku.sensor.linux.netlink.NetlinkSocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Linux audit as an event source: installs Kiroku's rules, becomes the audit daemon (or, when
 * another daemon holds that role, reads the AUDIT_NLGRP_READLOG multicast group), and turns the
 * records into {@link AuditActivity} records on a platform thread.
 *
 * <p>Kernel state is restored on {@link #stop()} and by a shutdown hook: rules with the source's
 * key are deleted and {@code enabled}, {@code pid}, {@code backlog_limit} and
 * {@code backlog_wait_time} get their original values. The originals are saved in the state
 * directory first, so that a source started after a {@code kill -9} restores them before anything else.
 *
 * <p>A source that reads the multicast group installs the same rules under a key of its own
 * ({@code <key>-<pid>}): the owner's rules are never touched by another agent on the same machine, and
 * each reader keeps receiving exec records when the owner stops (ADR 4).
 *
 * <p>Machine-wide: one daemon per kernel. Tests and other Kiroku processes coordinate with
 * {@link AuditLock}.
 */
public final class AuditSource implements AutoCloseable {

    private static final int DATAGRAM_BUFFER = 64 * 1024;
    private static final int AUDIT_NLGRP_READLOG = 1;
    private static final int MAX_OPEN_EVENTS = 65_536;
    private static final int RAW_CAP = 64 * 1024;

    private final AuditSourceConfig config;
    private final InstantSource clock;

    private final AtomicLong recordsReceived = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong internalDrops = new AtomicLong();
    private final AtomicLong overruns = new AtomicLong();
    private final AtomicLong emitted = new AtomicLong();
    private final List<String> problems = new CopyOnWriteArrayList<>();

    private volatile AuditMode mode = AuditMode.STOPPED;
    private volatile AuditStatus lastKernel;
    private volatile Instant lastKernelPoll;
    private volatile long lostAtStart;
    private volatile int rulesInstalled;
    /** The key of the rules this source installs: the configured key as the daemon, {@code <key>-<pid>} as a reader. */
    private volatile String ruleKey;
    private volatile boolean running;

    private AuditControl control;
    private NetlinkSocket events;
    private Thread reader;
    private Thread shutdownHook;
    private AuditStatus original;
    private boolean enabledChanged;
    /** Record types this source excluded with rules of its own (as the daemon), to delete at stop. */
    private final List<Integer> excluded = new ArrayList<>();
    private final List<byte[]> earlyDatagrams = new ArrayList<>();

    public AuditSource(Path stateDirectory) {
        this(AuditSourceConfig.defaults(stateDirectory), InstantSource.system());
    }

    public AuditSource(AuditSourceConfig config, InstantSource clock) {
        this.config = config;
        this.clock = clock;
    }

    /**
     * Sets up the kernel and starts delivering activities to {@code sink} from a platform thread
     * named {@code kiroku-audit}. The sink must not block for long: while it runs, records queue in
     * the socket and then in the kernel backlog, and beyond that the kernel drops (counted in
     * {@link AuditSourceStatus#kernelLost()}).
     *
     * @throws IOException when the kernel refuses (not root, locked audit config, no rule accepted);
     *                     kernel state is restored before it is thrown
     */
    public synchronized void start(Consumer<AuditActivity> sink) throws IOException {
        if (running) {
            throw new IllegalStateException("already started");
        }
        problems.clear();
        control = AuditControl.open();
        try {
            recoverLeftovers();
            removeDeadReadersRules();
            original = control.status();
            if (original.enabled() == 2) {
                throw new IOException("audit configuration is locked (enabled=2) until reboot");
            }
            lostAtStart = original.lost();
            ruleKey = config.key();
            saveState(AuditMode.STOPPED);
            openEventSocket();
            if (mode == AuditMode.MULTICAST) {
                ruleKey = config.key() + "-" + Libc.getpid();
            }
            saveState(mode);
            if (mode == AuditMode.DAEMON) {
                control.set(AuditStatus.MASK_ENABLED | AuditStatus.MASK_BACKLOG_LIMIT | AuditStatus.MASK_BACKLOG_WAIT_TIME,
                        new AuditStatus(0, 1, 0, 0, 0, Math.max(original.backlogLimit(), config.backlogLimit()), 0, 0, 0,
                                config.backlogWaitTime(), 0));
            } else if (original.enabled() == 0) {
                control.setEnabled(1);
            }
            enabledChanged = original.enabled() == 0;
            control.deleteRulesWithKey(ruleKey);
            int installed = 0;
            for (AuditRule rule : KirokuAuditRules.rules(ruleKey, config.include32Bit(), config.execRules())) {
                try {
                    control.addRule(rule);
                    installed++;
                } catch (AuditControlException e) {
                    addProblem("rule " + rule.syscalls() + " " + rule.conditions() + ": " + e.getMessage());
                }
            }
            rulesInstalled = installed;
            if (installed == 0) {
                throw new IOException("the kernel accepted none of the audit rules: " + problems);
            }
            if (mode == AuditMode.DAEMON) {
                excludeUnreadRecordTypes();
            }
            lastKernel = control.status();
            lastKernelPoll = clock.instant();
        } catch (IOException | RuntimeException e) {
            restoreKernel();
            closeSockets();
            mode = AuditMode.STOPPED;
            throw e;
        }
        running = true;
        shutdownHook = new Thread(this::restoreAtExit, "kiroku-audit-restore");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        reader = Thread.ofPlatform().name("kiroku-audit").daemon(true).unstarted(() -> readLoop(sink));
        reader.start();
    }

    /** Stops reading, flushes open events to the sink, and restores the kernel state. Idempotent. */
    public synchronized void stop() {
        if (!running && control == null) {
            return;
        }
        running = false;
        if (reader != null) {
            try {
                reader.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reader = null;
        }
        restoreKernel();
        closeSockets();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down; the hook is running or ran
            }
            shutdownHook = null;
        }
        mode = AuditMode.STOPPED;
    }

    @Override
    public void close() {
        stop();
    }

    /** The key of the rules this source installed (its own as a multicast reader); null before start. */
    public String ruleKey() {
        return ruleKey;
    }

    public AuditSourceStatus status() {
        AuditStatus k = lastKernel;
        long lost = k == null ? 0 : k.lost();
        return new AuditSourceStatus(mode, lost, k == null ? 0 : Math.max(0, lost - lostAtStart),
                k == null ? 0 : k.backlog(), k == null ? 0 : k.backlogLimit(), recordsReceived.get(), malformed.get(),
                internalDrops.get(), overruns.get(), emitted.get(), rulesInstalled, problems, lastKernelPoll);
    }

    private void openEventSocket() throws IOException {
        earlyDatagrams.clear();
        NetlinkSocket daemonSocket = NetlinkSocket.open(NetlinkSocket.NETLINK_AUDIT, Libc.SOCK_RAW, 0, DATAGRAM_BUFFER);
        try {
            daemonSocket.setReceiveBufferSize(config.receiveBufferBytes());
            AuditControl daemonControl = new AuditControl(daemonSocket,
                    (datagram, length) -> earlyDatagrams.add(Arrays.copyOf(datagram, length)));
            daemonControl.setPid(Libc.getpid());
            events = daemonSocket;
            mode = AuditMode.DAEMON;
            return;
        } catch (AuditControlException e) {
            daemonSocket.close();
            if (e.errno() != Errno.EEXIST) {
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            daemonSocket.close();
            throw e;
        }
        NetlinkSocket multicast = NetlinkSocket.open(NetlinkSocket.NETLINK_AUDIT, Libc.SOCK_RAW, AUDIT_NLGRP_READLOG,
                DATAGRAM_BUFFER);
        try {
            multicast.setReceiveBufferSize(config.receiveBufferBytes());
        } catch (ErrnoException e) {
            addProblem("receive buffer: " + e.getMessage());
        }
        events = multicast;
        mode = AuditMode.MULTICAST;
        addProblem("another process is the audit daemon (EEXIST): reading the AUDIT_NLGRP_READLOG multicast group");
    }

    /**
     * As the daemon, the only reader of the records: tells the kernel not to produce the record types
     * Kiroku does not read ({@link KirokuAuditRules#EXCLUDED_WHILE_DAEMON}). An identical rule that is
     * already there is someone else's and stays; the ones added here are saved (for recovery after
     * {@code kill -9}) and deleted at stop.
     */
    private void excludeUnreadRecordTypes() throws IOException {
        excluded.clear();
        for (int type : KirokuAuditRules.EXCLUDED_WHILE_DAEMON) {
            try {
                control.addRule(AuditRule.excludeRecordType(type));
                excluded.add(type);
            } catch (AuditControlException e) {
                if (e.errno() != Errno.EEXIST) {
                    addProblem("excluding " + AuditRecordTypes.name(type) + " records: " + e.getMessage());
                }
            }
        }
        saveState(mode);
    }

    /**
     * Deletes the exclude rules of the given record types (one that is gone already is fine).
     *
     * @return how many could not be deleted
     */
    private int deleteExclusions(List<Integer> types) {
        int failed = 0;
        for (int type : types) {
            try {
                control.deleteRule(AuditRule.excludeRecordType(type));
            } catch (IOException | RuntimeException e) {
                if (!(e instanceof AuditControlException a && a.errno() == Errno.ENOENT)) {
                    failed++;
                    addProblem("deleting the exclusion of " + AuditRecordTypes.name(type) + " records: " + e.getMessage());
                }
            }
        }
        return failed;
    }

    /** A saved-state file at start means the previous owner died: delete its rules and restore its originals. */
    private void recoverLeftovers() throws IOException {
        if (!Files.exists(AuditSavedState.file(config.stateDirectory()))) {
            return;
        }
        AuditSavedState saved = AuditSavedState.read(config.stateDirectory());
        // STOPPED: it died before it knew its role and installed no rules (another agent's may carry the same key).
        int deleted = saved.mode() == AuditMode.STOPPED ? 0 : control.deleteRulesWithKey(saved.key());
        // A dead daemon's configured key may differ from today's; a dead reader's rules had a key of their own.
        if (saved.mode() != AuditMode.MULTICAST && !saved.key().equals(config.key())) {
            deleted += control.deleteRulesWithKey(config.key());
        }
        deleteExclusions(saved.excludedTypes());
        if (saved.mode() != AuditMode.MULTICAST) {
            control.set(AuditStatus.MASK_ENABLED | AuditStatus.MASK_BACKLOG_LIMIT | AuditStatus.MASK_BACKLOG_WAIT_TIME,
                    new AuditStatus(0, saved.enabled(), 0, 0, 0, saved.backlogLimit(), 0, 0, 0, saved.backlogWaitTime(), 0));
        } else {
            control.setEnabled(saved.enabled());
        }
        AuditSavedState.delete(config.stateDirectory());
        addProblem("recovered from a previous run (pid " + saved.ownerPid() + "): deleted " + deleted
                + " leftover rules, restored enabled=" + saved.enabled() + " backlog_limit=" + saved.backlogLimit()
                + " backlog_wait_time=" + saved.backlogWaitTime());
    }

    /**
     * Rules of multicast readers ({@code <key>-<pid>}) whose process is gone: a reader killed with -9 whose state
     * directory is never opened again (a sandbox's agent, for example) leaves them behind.
     */
    private void removeDeadReadersRules() throws IOException {
        String prefix = config.key() + "-";
        Set<String> dead = new TreeSet<>();
        for (AuditRule rule : control.listRules()) {
            String keys = rule.key();
            if (keys == null) {
                continue;
            }
            for (String key : keys.split("\u0001", -1)) {
                if (key.startsWith(prefix) && key.substring(prefix.length()).matches("[0-9]{1,10}")
                        && ProcessHandle.of(Long.parseLong(key.substring(prefix.length()))).isEmpty()) {
                    dead.add(key);
                }
            }
        }
        for (String key : dead) {
            int deleted = control.deleteRulesWithKey(key);
            addProblem("deleted " + deleted + " audit rules of a reader that is gone (key " + key + ")");
        }
    }

    private void saveState(AuditMode writtenMode) throws IOException {
        new AuditSavedState(Libc.getpid(), writtenMode, ruleKey, original.enabled(), original.backlogLimit(),
                original.backlogWaitTime(), excluded).write(config.stateDirectory());
    }

    /** Deletes the rules and puts the original settings back; each step is tried even if another fails. */
    private synchronized void restoreKernel() {
        if (control == null || original == null) {
            return;
        }
        boolean clean = true;
        try {
            if (ruleKey != null) {
                control.deleteRulesWithKey(ruleKey);
            }
        } catch (IOException | RuntimeException e) {
            clean = false;
            addProblem("restore: deleting rules: " + e.getMessage());
        }
        if (!excluded.isEmpty()) {
            if (deleteExclusions(excluded) > 0) {
                clean = false;
            }
            excluded.clear();
        }
        if (mode == AuditMode.DAEMON) {
            try {
                control.setPid(0);
            } catch (IOException | RuntimeException e) {
                clean = false;
                addProblem("restore: unregistering pid: " + e.getMessage());
            }
            try {
                control.set(AuditStatus.MASK_ENABLED | AuditStatus.MASK_BACKLOG_LIMIT | AuditStatus.MASK_BACKLOG_WAIT_TIME,
                        new AuditStatus(0, original.enabled(), 0, 0, 0, original.backlogLimit(), 0, 0, 0,
                                original.backlogWaitTime(), 0));
            } catch (IOException | RuntimeException e) {
                clean = false;
                addProblem("restore: settings: " + e.getMessage());
            }
        } else if (enabledChanged) {
            try {
                control.setEnabled(original.enabled());
            } catch (IOException | RuntimeException e) {
                clean = false;
                addProblem("restore: enabled: " + e.getMessage());
            }
        }
        if (clean) {
            try {
                AuditSavedState.delete(config.stateDirectory());
            } catch (IOException e) {
                addProblem("restore: deleting saved state: " + e.getMessage());
            }
        }
        original = null;
    }

    private void restoreAtExit() {
        running = false;
        Thread r = reader;
        if (r != null) {
            try {
                r.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        restoreKernel();
    }

    private void closeSockets() {
        if (events != null) {
            events.close();
            events = null;
        }
        if (control != null) {
            control.close();
            control = null;
        }
    }

    private void readLoop(Consumer<AuditActivity> sink) {
        Consumer<AuditActivity> counting = activity -> {
            try {
                sink.accept(activity);
                emitted.incrementAndGet();
            } catch (RuntimeException e) {
                internalDrops.incrementAndGet();
            }
        };
        AuditRecordParser parser = new AuditRecordParser();
        AuditEventAssembler assembler = new AuditEventAssembler(counting, config.eventTimeout().toNanos(), MAX_OPEN_EVENTS);
        for (byte[] early : earlyDatagrams) {
            handle(early, early.length, early.length, parser, assembler, counting, System.nanoTime());
        }
        earlyDatagrams.clear();
        NetlinkSocket socket = events;
        try {
            socket.setReceiveTimeout(100);
        } catch (ErrnoException e) {
            addProblem("receive timeout: " + e.getMessage());
        }
        Reading reading = new Reading(socket, parser, assembler, counting);
        while (running) {
            reading.turn();
        }
        assembler.flush();
        pollKernelStatus();
    }

    /**
     * The read loop's state and one turn of it (a method of its own: the JIT compiles a method called often, never
     * the loop itself, which is entered once).
     */
    private final class Reading {
        private final NetlinkSocket socket;
        private final AuditRecordParser parser;
        private final AuditEventAssembler assembler;
        private final Consumer<AuditActivity> sink;
        private final byte[] buffer = new byte[DATAGRAM_BUFFER];
        private final long statusEvery = config.statusInterval().toNanos();
        private final long timeoutNanos = config.eventTimeout().toNanos();
        private long nextStatus = System.nanoTime() + statusEvery;
        private long evictedSeen;

        Reading(NetlinkSocket socket, AuditRecordParser parser, AuditEventAssembler assembler, Consumer<AuditActivity> sink) {
            this.socket = socket;
            this.parser = parser;
            this.assembler = assembler;
            this.sink = sink;
        }

        void turn() {
            int n;
            try {
                n = socket.receiveWaiting(buffer);
            } catch (ErrnoException e) {
                if (e.errno() == Errno.ENOBUFS) {
                    overruns.incrementAndGet();
                    internalDrops.incrementAndGet();
                    return;
                }
                if (!running) {
                    return;
                }
                addProblem("receive: " + e.getMessage());
                sleepQuietly();
                return;
            }
            long now = System.nanoTime();
            if (n > 0) {
                handle(buffer, Math.min(n, buffer.length), n, parser, assembler, sink, now);
            }
            // Time events out with the normal timeout only when the socket is drained: while records are
            // queued (a stalled reader on a loaded machine), the rest of an event is still on its way.
            assembler.expireOlderThan(now, n == 0 ? timeoutNanos : 10 * timeoutNanos);
            if (assembler.evicted() != evictedSeen) {
                internalDrops.addAndGet(assembler.evicted() - evictedSeen);
                evictedSeen = assembler.evicted();
            }
            if (now - nextStatus >= 0) {
                pollKernelStatus();
                nextStatus = now + statusEvery;
            }
        }
    }

    private void handle(byte[] buffer, int length, int realLength, AuditRecordParser parser, AuditEventAssembler assembler,
                        Consumer<AuditActivity> sink, long now) {
        if (length < NetlinkMessages.HEADER_SIZE) {
            recordsReceived.incrementAndGet();
            malformed.incrementAndGet();
            sink.accept(new MalformedRecord(rawText(buffer, 0, length), "datagram shorter than a netlink header"));
            return;
        }
        int type = NetlinkMessages.type(buffer, 0);
        if (type != 1006 && type < 1100) {
            return; // replies and control messages (NLMSG_ERROR, AUDIT_GET, AUDIT_REPLACE probes are answered by the kernel)
        }
        recordsReceived.incrementAndGet();
        // The datagram length, not nlmsg_len: unicast records carry nlmsg_len without the header.
        int payload = length - NetlinkMessages.HEADER_SIZE;
        if (realLength > length) {
            internalDrops.incrementAndGet();
            malformed.incrementAndGet();
            sink.accept(new MalformedRecord(rawText(buffer, NetlinkMessages.HEADER_SIZE, payload),
                    "datagram of " + realLength + " bytes truncated to " + length));
            return;
        }
        try {
            assembler.accept(parser.parse(type, buffer, NetlinkMessages.HEADER_SIZE, payload), now);
        } catch (AuditRecordParser.MalformedAuditRecordException e) {
            malformed.incrementAndGet();
            sink.accept(new MalformedRecord(AuditRecordTypes.name(type) + " "
                    + rawText(buffer, NetlinkMessages.HEADER_SIZE, payload), e.getMessage()));
        } catch (RuntimeException e) {
            malformed.incrementAndGet();
            sink.accept(new MalformedRecord(AuditRecordTypes.name(type) + " "
                    + rawText(buffer, NetlinkMessages.HEADER_SIZE, payload), "parser failure: " + e));
        }
    }

    private static String rawText(byte[] buffer, int offset, int length) {
        return new String(buffer, offset, Math.max(0, Math.min(length, RAW_CAP)), StandardCharsets.UTF_8);
    }

    private void pollKernelStatus() {
        AuditControl c = control;
        if (c == null) {
            return;
        }
        try {
            lastKernel = c.status();
            lastKernelPoll = clock.instant();
        } catch (IOException | RuntimeException e) {
            addProblem("status poll: " + e.getMessage());
        }
    }

    /** Keeps the first 100 problems; status stays bounded however often a poll fails. */
    private void addProblem(String problem) {
        if (problems.size() < 100) {
            problems.add(problem);
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
