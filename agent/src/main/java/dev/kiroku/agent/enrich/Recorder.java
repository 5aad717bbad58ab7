package dev.kiroku.agent.enrich;

import dev.kiroku.agent.process.ProcessFacts;
import dev.kiroku.agent.process.ProcessProbe;
import dev.kiroku.agent.process.ProcessTable;
import dev.kiroku.event.AbridgedArgs;
import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.Incomplete;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.Payload;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.event.UserActivity;
import dev.kiroku.sensor.linux.audit.AuditActivity;
import dev.kiroku.sensor.linux.audit.CredentialActivity;
import dev.kiroku.sensor.linux.audit.ExecActivity;
import dev.kiroku.sensor.linux.audit.MalformedRecord;
import dev.kiroku.sensor.linux.audit.SocketActivity;
import dev.kiroku.sensor.linux.audit.UnclassifiedEvent;
import dev.kiroku.sensor.linux.audit.UserRecord;
import dev.kiroku.sensor.linux.fanotify.FileLoss;
import dev.kiroku.sensor.linux.fanotify.FileNotice;
import dev.kiroku.sensor.linux.procfs.FileIdentity;
import dev.kiroku.sensor.linux.sockdiag.InetSocket;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The enrichment stage: turns sensor observations into {@link Event}s, attributing each to a
 * process of the {@link ProcessTable}, hashing executables, resolving users. One thread calls
 * {@link #observe}. What cannot be learned is flagged on the event, never a reason to drop it.
 *
 * <p>Choices: failed execs (ENOENT while a shell searches PATH) are not process starts and are not
 * recorded; audit events Kiroku has no mapping for are counted, as are malformed records.
 *
 * <p>The paths every process takes test an observation's type with {@code instanceof}, not a pattern switch: under
 * C1, the agent's only JIT, each pattern switch is an {@code invokedynamic} call through method handles (6 % of this
 * thread's samples in an exec storm).
 */
public final class Recorder {
    private final String agentId;
    private final String hostName;
    private final ProcessTable table;
    private final ProcessProbe probe;
    private final ExecutableHasher hasher;
    private final Consumer<Event> out;
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong unclassified = new AtomicLong();
    private final AtomicLong fileLoss = new AtomicLong();
    private final AtomicLong failedExecs = new AtomicLong();
    private final java.util.ArrayDeque<Delayed> delayed = new java.util.ArrayDeque<>();
    /**
     * Exits known before they are handled (announced by {@link #expectExits}, or waiting in the reorder buffer), by
     * pid, with their place in the order of observations: a fork or an exec of such a pid before its exit is of a
     * process already gone, so /proc has nothing to tell about it; a fork after the exit is of a new process.
     */
    private final java.util.Map<Integer, Long> exitsKnown = new java.util.HashMap<>();
    /** Observations taken so far: the place of the next one. */
    private long observed;
    /**
     * What the kernel said of each live process in its latest fork or exec record (BPF process sensor), by pid: its
     * start ticks and namespaces without a /proc read. Filled ahead of each batch ({@link #preview}), so that audit's
     * record of an exec finds it even when it was queued first.
     */
    private final java.util.Map<Integer, KernelProcess> kernelProcesses = new java.util.HashMap<>();
    private long execsFromKernel;
    /** Forking parents that /proc did not show (kernel threads, gone processes), by pid: not read again. */
    private final java.util.Set<Integer> parentsNotInProc = new java.util.HashSet<>();
    private static final int PARENTS_NOT_IN_PROC_MAX = 4096;

    /** A process as the kernel's latest fork or exec record showed it. */
    private record KernelProcess(long startTicks, KernelIds ids, Instant time) {
    }

    /** How long exits and file changes wait for the audit records of the exec before them. */
    static final java.time.Duration REORDER_DELAY = java.time.Duration.ofMillis(1000);

    public Recorder(String agentId, String hostName, ProcessTable table, ProcessProbe probe, ExecutableHasher hasher,
                    Consumer<Event> out) {
        this.agentId = agentId;
        this.hostName = hostName;
        this.table = table;
        this.probe = probe;
        this.hasher = hasher;
        this.out = out;
    }

    /**
     * Takes an observation. The sources are separate kernel sockets, so a process's exit or file
     * change can arrive before the audit record of the exec that preceded it: those wait
     * {@link #REORDER_DELAY} in a reorder buffer before they are attributed, by {@link #drain} after the whole batch
     * (an exit overdue because its exec came a batch later must not be taken before that exec in the batch).
     */
    public void observe(Observation observation, Instant now) {
        observed++;
        if (observation instanceof Observation.Exit exit) {
            delayed.addLast(new Delayed(observation, now.plus(REORDER_DELAY), observed));
            exitsKnown.put(exit.pid(), observed);
        } else if (observation instanceof Observation.File) {
            delayed.addLast(new Delayed(observation, now.plus(REORDER_DELAY), observed));
        } else {
            handle(observation);
        }
    }

    /**
     * Orders a batch for attribution: the process feed's forks and execs first, each group in its own order. The process
     * feed and audit are separate streams, and a process's exec (BPF) and its next connect (audit) can reach one batch in
     * either order; an exec followed by a connect is what tools do, so the connect must find the exec'd image.
     */
    public static void processRecordsFirst(List<Observation> batch) {
        List<Observation> rest = new ArrayList<>();
        int kept = 0;
        for (Observation observation : batch) {
            if (observation instanceof Observation.Fork || observation instanceof Observation.Exec) batch.set(kept++, observation);
            else rest.add(observation);
        }
        for (Observation observation : rest) batch.set(kept++, observation);
    }

    /**
     * Looks ahead at a batch about to be {@link #observe}d in this order: its exits ({@link #expectExits}) and what the
     * kernel's fork and exec records in it tell of each process.
     */
    public void preview(List<Observation> batch) {
        expectExits(batch);
        for (Observation observation : batch) {
            if (observation instanceof Observation.Fork fork) {
                rememberKernel(fork.childPid(), fork.startTicks(), fork.ids(), fork.time());
            } else if (observation instanceof Observation.Exec exec) {
                rememberKernel(exec.pid(), exec.startTicks(), exec.ids(), exec.time());
            }
        }
    }

    private void rememberKernel(int pid, long startTicks, KernelIds ids, Instant time) {
        if (startTicks < 0 || ids == null) return;
        KernelProcess known = kernelProcesses.get(pid);
        if (known != null && known.time() == time && known.startTicks() == startTicks && known.ids() == ids) return; // previewed
        if (known == null || !known.time().isAfter(time)) kernelProcesses.put(pid, new KernelProcess(startTicks, ids, time));
    }

    /**
     * Announces the exits among the observations about to be {@link #observe}d in this order: the forks and execs
     * before them in the batch are of processes already gone (their /proc entries are not read).
     */
    public void expectExits(List<Observation> batch) {
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i) instanceof Observation.Exit exit) exitsKnown.put(exit.pid(), observed + i + 1);
        }
    }

    /** Whether the process with this pid has exited, as far as the observations taken and announced tell. */
    private boolean gone(int pid) {
        return exitsKnown.containsKey(pid);
    }

    /** Handles the delayed observations that are due. */
    public void drain(Instant now) {
        while (!delayed.isEmpty() && !delayed.peekFirst().due().isAfter(now)) handleDelayed(delayed.pollFirst());
    }

    /** Handles every delayed observation now (at shutdown). */
    public void drainAll() {
        while (!delayed.isEmpty()) handleDelayed(delayed.pollFirst());
    }

    /** An observation in the reorder buffer, due at {@code due}, taken as the {@code place}-th. */
    private record Delayed(Observation observation, Instant due, long place) {
    }

    private void handleDelayed(Delayed delayed) {
        if (delayed.observation() instanceof Observation.Exit exit) exitsKnown.remove(exit.pid(), delayed.place());
        handle(delayed.observation());
    }

    private void handle(Observation observation) {
        if (observation instanceof Observation.Exec exec) {
            rememberKernel(exec.pid(), exec.startTicks(), exec.ids(), exec.time());
            if (exec.activity() != null) exec(exec.activity(), exec.executableIdentity());
        } else if (observation instanceof Observation.Fork fork) {
            fork(fork);
        } else if (observation instanceof Observation.Exit exit) {
            exit(exit);
        } else if (observation instanceof Observation.Audit audit) {
            audit(audit.activity());
        } else if (observation instanceof Observation.File file) {
            if (file.activity() instanceof FileNotice notice) file(notice);
            else if (file.activity() instanceof FileLoss loss) fileLoss.addAndGet(loss.count());
        } else if (observation instanceof Observation.Sockets inventory) {
            sockets(inventory);
        }
    }

    /** Emits a payload as an event of this agent (the journal numbers it), with the argument vectors it only mentions abridged. */
    public void emit(Instant time, Payload payload, EnumSet<Incomplete> flags) {
        Payload carried = AbridgedArgs.of(payload);
        if (carried != payload) {
            flags = EnumSet.copyOf(flags);
            flags.add(Incomplete.ARGS_ABRIDGED);
        }
        out.accept(new Event(agentId, 0, time, hostName, flags.isEmpty() ? List.of() : List.copyOf(flags), carried));
    }

    /**
     * Emits a payload the agent itself made about a process (a blocked execution), with the process as the table knows
     * it, else as /proc shows it, else only its pid and executable (flagged {@link Incomplete#PROCESS}).
     */
    public void emitAbout(Instant time, int pid, String executable, java.util.function.Function<ProcessInfo, Payload> payload) {
        EnumSet<Incomplete> flags = EnumSet.noneOf(Incomplete.class);
        ProcessInfo process = table.get(pid).or(() -> learnFromProc(pid)).orElse(null);
        if (process == null) {
            flags.add(Incomplete.PROCESS);
            process = new ProcessInfo(null, pid, null, null, executable, List.of(), null, null, null, -1, null, null);
        }
        emit(time, payload.apply(process), flags);
    }

    private void audit(AuditActivity activity) {
        switch (activity) {
            case ExecActivity exec -> exec(exec, null);
            case SocketActivity socket -> socket(socket);
            case CredentialActivity credential -> credential(credential);
            case UserRecord user -> user(user);
            case UnclassifiedEvent ignored -> unclassified.incrementAndGet();
            case MalformedRecord record -> malformed(record);
        }
    }

    private void exec(ExecActivity exec, FileIdentity executableIdentity) {
        if (!exec.success()) {
            failedExecs.incrementAndGet();
            return;
        }
        EnumSet<Incomplete> flags = EnumSet.noneOf(Incomplete.class);
        boolean gone = gone(exec.pid());
        KernelProcess kernel = kernelProcesses.get(exec.pid());
        if (kernel != null) execsFromKernel++;
        long ticks = kernel != null ? kernel.startTicks() : table.startTicks(exec.pid());
        if (ticks < 0 && !gone) ticks = probe.startTicks(exec.pid());
        if (ticks < 0) ticks = syntheticTicks(exec.time());
        // A process gone already (most short ones, in a storm) has its parent's namespaces, as when /proc fails.
        ProcessInfo.Namespaces namespaces = kernel != null
                ? probe.namespaces(exec.pid(), kernel.ids().cgroupId(), kernel.ids().pidNamespace(),
                        kernel.ids().mountNamespace(), kernel.ids().netNamespace())
                : gone ? null : probe.namespaces(exec.pid());
        if (namespaces == null) {
            namespaces = table.get(exec.ppid()).map(ProcessInfo::namespaces).orElse(null);
            if (namespaces == null) flags.add(Incomplete.NAMESPACES);
        }
        ExecutableHasher.Result.Hashed hashes = hasher.hash(exec.executable(), executableIdentity) instanceof ExecutableHasher.Result.Hashed hashed
                ? hashed : null;
        if (hashes == null) flags.add(Incomplete.HASH);
        ProcessInfo.Credentials credentials = credentials(exec.uid(), exec.euid(), exec.auid(), exec.gid(), exec.egid(), flags);
        ProcessFacts facts = new ProcessFacts(exec.pid(), exec.ppid(), ticks, exec.executable(), exec.argv(), exec.cwd(),
                hashes == null ? null : hashes.sha256(), credentials, exec.session(), tty(exec.tty()), namespaces,
                hashes == null ? null : hashes.md5(), hashes == null ? null : hashes.sha1());
        if (table.get(exec.ppid()).isEmpty()) learnFromProc(exec.ppid());
        ProcessInfo process = table.exec(facts, probe.startTime(ticks));
        if (!exec.argvComplete()) flags.add(Incomplete.ARGS);
        if (exec.executable() == null) flags.add(Incomplete.EXECUTABLE);
        if (exec.cwd() == null) flags.add(Incomplete.WORKING_DIRECTORY);
        if (process.parent() == null || process.parent().entityId() == null) flags.add(Incomplete.PARENT);
        emit(exec.time(), new ProcessStart(process, false), flags);
    }

    private void socket(SocketActivity socket) {
        if (!"inet".equals(socket.family()) && !"inet6".equals(socket.family()) && !"listen".equals(socket.syscall())) return;
        NetworkActivity.Action action = switch (socket.syscall()) {
            case "connect" -> NetworkActivity.Action.CONNECT;
            case "accept", "accept4" -> NetworkActivity.Action.ACCEPT;
            case "bind" -> NetworkActivity.Action.BIND;
            case "listen" -> NetworkActivity.Action.LISTEN;
            default -> null;
        };
        if (action == null) {
            unclassified.incrementAndGet();
            return;
        }
        EnumSet<Incomplete> flags = EnumSet.noneOf(Incomplete.class);
        ProcessInfo process = processOf(socket.pid(), socket.ppid(), socket.executable(), socket.uid(), socket.euid(),
                socket.auid(), socket.session(), socket.tty(), flags);
        boolean success = socket.success() || socket.exitCode() == -115; // EINPROGRESS: non-blocking connect under way
        String address = unmapV4(socket.address());
        int port = Math.max(socket.port(), 0);
        NetworkActivity activity = switch (action) {
            case CONNECT, ACCEPT -> new NetworkActivity(action, "tcp", null, 0, address, port, success, process);
            case BIND, LISTEN, LISTENING_SOCKET, ESTABLISHED_SOCKET ->
                    new NetworkActivity(action, "tcp", address, port, null, 0, success, process);
        };
        emit(socket.time(), activity, flags);
    }

    private void credential(CredentialActivity credential) {
        EnumSet<Incomplete> flags = EnumSet.noneOf(Incomplete.class);
        ProcessInfo process = processOf(credential.pid(), credential.ppid(), credential.executable(), credential.uid(),
                credential.euid(), credential.auid(), credential.session(), credential.tty(), flags);
        String name = probe.userName(credential.euid());
        emit(credential.time(), new UserActivity(UserActivity.Action.PRIVILEGE_CHANGE, name, credential.euid(),
                credential.success(), null, tty(credential.tty()), "SYSCALL", credential.syscall(), process), flags);
    }

    private void user(UserRecord record) {
        UserActivity.Action action = switch (record.recordType()) {
            case "USER_LOGIN", "USER_START" -> UserActivity.Action.LOGON;
            case "USER_LOGOUT", "USER_END" -> UserActivity.Action.LOGOFF;
            case "USER_AUTH", "USER_ACCT", "USER_ERR", "CRED_ACQ", "CRED_DISP", "CRED_REFR" -> UserActivity.Action.AUTHENTICATION;
            case "USER_CMD", "USER_ROLE_CHANGE", "ROLE_ASSIGN", "ROLE_REMOVE" -> UserActivity.Action.PRIVILEGE_CHANGE;
            default -> UserActivity.Action.ACCOUNT_CHANGE;
        };
        var fields = record.fields();
        String account = firstNonBlank(fields.get("acct"), fields.get("id"), fields.get("AUID"), fields.get("UID"));
        int uid = record.uid();
        if (account == null) account = probe.userName(record.auid() >= 0 ? record.auid() : uid);
        boolean success = !"failed".equals(fields.get("res")) && !"no".equals(fields.get("res"));
        String address = firstNonBlank(fields.get("addr"), fields.get("hostname"));
        if ("?".equals(address)) address = null;
        EnumSet<Incomplete> flags = EnumSet.noneOf(Incomplete.class);
        ProcessInfo process = table.get(record.pid()).orElseGet(() -> learnFromProc(record.pid()).orElse(null));
        if (process == null) flags.add(Incomplete.PROCESS);
        emit(record.time(), new UserActivity(action, account, record.auid(), success, address,
                firstNonBlank(fields.get("terminal"), fields.get("exe")), record.recordType(), fields.get("op"), process), flags);
    }

    private void file(FileNotice notice) {
        EnumSet<Incomplete> flags = EnumSet.noneOf(Incomplete.class);
        if (!notice.pathResolved()) flags.add(Incomplete.PATH);
        ProcessInfo process = notice.pid() > 0
                ? table.get(notice.pid()).orElseGet(() -> learnFromProc(notice.pid()).orElse(null))
                : null;
        if (process == null) flags.add(Incomplete.PROCESS);
        FileChange.Action action = switch (notice.kind()) {
            case CREATE -> FileChange.Action.CREATE;
            case MODIFY -> FileChange.Action.MODIFY;
            case DELETE -> FileChange.Action.DELETE;
            case RENAME -> FileChange.Action.RENAME;
            case ATTRIB -> FileChange.Action.ATTRIBUTES;
        };
        FileChange change = new FileChange(action, notice.path(), notice.oldPath(), notice.directory(), process);
        emit(notice.time(), withDigestsOfExecutable(change, flags), flags);
    }

    /** A created or written executable with its content's digests; flagged {@link Incomplete#HASH} when they were skipped. */
    private FileChange withDigestsOfExecutable(FileChange change, EnumSet<Incomplete> flags) {
        boolean written = change.action() == FileChange.Action.CREATE || change.action() == FileChange.Action.MODIFY;
        if (!written || change.directory()) return change;
        return switch (hasher.hashWritten(change.path())) {
            case null -> change;
            case ExecutableHasher.Result.Hashed h -> change.withHashes(h.md5(), h.sha1(), h.sha256());
            case ExecutableHasher.Result.Skipped ignored -> {
                flags.add(Incomplete.HASH);
                yield change;
            }
        };
    }

    private void fork(Observation.Fork fork) {
        parentsNotInProc.remove(fork.childPid()); // a new process has the pid: /proc may show it
        Long exitAt = exitsKnown.get(fork.childPid());
        if (exitAt != null && exitAt < observed) exitsKnown.remove(fork.childPid()); // a new process has the pid now
        boolean gone = exitAt != null && exitAt > observed;
        rememberKernel(fork.childPid(), fork.startTicks(), fork.ids(), fork.time());
        long ticks = fork.startTicks() >= 0 ? fork.startTicks()
                : gone ? probe.startTicksFromForkTime(fork.monotonicNanos())
                : probe.startTicksAtFork(fork.childPid(), fork.monotonicNanos());
        if (ticks < 0) ticks = syntheticTicks(fork.time());
        learnParent(fork.parentPid());
        table.fork(fork.parentPid(), fork.childPid(), ticks, probe.startTime(ticks));
    }

    /**
     * Learns a forking parent the table does not hold from /proc, once: a kernel thread's /proc entry is never learned
     * (kthreadd, pid 2, forks every kernel worker) and a gone process's never comes back, so the pid is not read
     * again until a fork gives it to a new process.
     */
    private void learnParent(int pid) {
        if (table.get(pid).isPresent() || parentsNotInProc.contains(pid) || learnFromProc(pid).isPresent()) return;
        if (parentsNotInProc.size() >= PARENTS_NOT_IN_PROC_MAX) parentsNotInProc.clear();
        parentsNotInProc.add(pid);
    }

    private void exit(Observation.Exit exit) {
        KernelProcess kernel = kernelProcesses.get(exit.pid());
        if (kernel != null && !kernel.time().isAfter(exit.time())) kernelProcesses.remove(exit.pid());
        Optional<ProcessInfo> process = table.exit(exit.pid(), exit.time());
        process.ifPresent(p -> emit(exit.time(), new ProcessExit(p, exit.exitCode(), exit.signal()), EnumSet.noneOf(Incomplete.class)));
        table.expire(exit.time());
    }

    /** Listening sockets and established connections found by the inventory, with their owners. */
    private void sockets(Observation.Sockets inventory) {
        for (InetSocket socket : inventory.sockets()) {
            NetworkActivity.Action action = switch (socket.state()) {
                case LISTEN -> NetworkActivity.Action.LISTENING_SOCKET;
                case ESTABLISHED -> NetworkActivity.Action.ESTABLISHED_SOCKET;
                default -> null;
            };
            if (action == null && !("udp".equals(socket.protocol()) && socket.remotePort() == 0)) continue;
            if (action == null) action = NetworkActivity.Action.LISTENING_SOCKET;
            EnumSet<Incomplete> flags = EnumSet.noneOf(Incomplete.class);
            List<Integer> pids = inventory.owners().getOrDefault(socket.inode(), List.of());
            ProcessInfo process = pids.isEmpty() ? null
                    : table.get(pids.getFirst()).orElseGet(() -> learnFromProc(pids.getFirst()).orElse(null));
            if (process == null) flags.add(Incomplete.PROCESS);
            String local = unmapV4(socket.localAddress());
            NetworkActivity activity = action == NetworkActivity.Action.LISTENING_SOCKET
                    ? new NetworkActivity(action, socket.protocol(), local, socket.localPort(), null, 0, true, process)
                    : new NetworkActivity(action, socket.protocol(), local, socket.localPort(),
                            unmapV4(socket.remoteAddress()), socket.remotePort(), true, process);
            emit(inventory.time(), activity, flags);
        }
    }

    /** The process behind a pid: from the table, else from /proc, else what the audit record says. */
    private ProcessInfo processOf(int pid, int ppid, String executable, int uid, int euid, int auid, long session, String tty,
                                  EnumSet<Incomplete> flags) {
        Optional<ProcessInfo> known = table.get(pid).or(() -> learnFromProc(pid));
        if (known.isPresent()) return known.get();
        flags.add(Incomplete.PROCESS);
        if (table.get(ppid).isEmpty()) learnFromProc(ppid);
        ProcessFacts facts = new ProcessFacts(pid, ppid, -1, executable, List.of(), null, null,
                credentials(uid, euid, auid, -1, -1, flags), session, tty(tty), null);
        return table.exec(facts.withStartTicks(syntheticTicks(Instant.now())), null);
    }

    private Optional<ProcessInfo> learnFromProc(int pid) {
        if (pid <= 0) return Optional.empty();
        return probe.read(pid).map(facts -> {
            if (facts.ppid() > 0 && table.get(facts.ppid()).isEmpty()) {
                probe.read(facts.ppid()).ifPresent(parent -> table.learn(parent, probe.startTime(parent.startTicks())));
            }
            ProcessFacts hashed = facts.executable() != null
                    && hasher.hash(facts.executable()) instanceof ExecutableHasher.Result.Hashed h
                    ? facts.withHashes(h.md5(), h.sha1(), h.sha256()) : facts.withSha256(null);
            return table.learn(hashed, probe.startTime(facts.startTicks()));
        });
    }

    private ProcessInfo.Credentials credentials(int uid, int euid, int auid, int gid, int egid, EnumSet<Incomplete> flags) {
        String name = uid >= 0 ? probe.userName(uid) : null;
        String effective = euid == uid ? name : euid >= 0 ? probe.userName(euid) : null;
        if (name == null || effective == null) flags.add(Incomplete.USER_NAME);
        return new ProcessInfo.Credentials(uid, name, euid, effective, auid, gid, egid);
    }

    /**
     * An identity for a process the kernel no longer shows: time-derived, on a scale that never
     * collides with real start ticks (which count from boot).
     */
    private static long syntheticTicks(Instant time) {
        return 1L << 50 | time.toEpochMilli();
    }

    private static String tty(String tty) {
        return tty == null || tty.isEmpty() || "(none)".equals(tty) ? null : tty;
    }

    private static String unmapV4(String address) {
        return address != null && address.startsWith("::ffff:") && address.indexOf('.') > 0 ? address.substring(7) : address;
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank() && !"?".equals(value)) return value;
        }
        return null;
    }

    /** Counts the record and shows the first ones, then every thousandth, so that an operator can tell what they were. */
    private void malformed(MalformedRecord record) {
        long count = malformed.incrementAndGet();
        if (count <= 10 || count % 1_000 == 0) {
            String raw = record.raw();
            System.err.println("kiroku agent: audit record not understood (" + count + " so far): " + record.problem()
                    + ": " + (raw.length() > 400 ? raw.substring(0, 400) + "…" : raw));
        }
    }

    public long malformedRecords() {
        return malformed.get();
    }

    public long unclassifiedRecords() {
        return unclassified.get();
    }

    public long fileLoss() {
        return fileLoss.get();
    }

    public long failedExecs() {
        return failedExecs.get();
    }

    /** Execs whose start ticks and namespaces came from the kernel's records instead of /proc. */
    public long execsFromKernel() {
        return execsFromKernel;
    }

}
