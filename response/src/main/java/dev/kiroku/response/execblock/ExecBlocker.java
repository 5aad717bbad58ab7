package dev.kiroku.response.execblock;

import dev.kiroku.response.ActionResult;
import dev.kiroku.response.Sha256;
import dev.kiroku.response.ffm.Sys;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Blocks execution of files by SHA-256 with its own fanotify permission group.
 *
 * <h2>What is checked</h2>
 * A filesystem mark with {@code FAN_OPEN_EXEC_PERM} on each guarded filesystem covers every execve
 * of a file there (binaries and {@code #!} scripts). Interpreters and the dynamic loader open files
 * with a plain read open, which an exec mark does not see, so files known to carry a blocked hash
 * also get an inode mark with {@code FAN_OPEN_PERM}: {@code sh blocked.sh} and
 * {@code ld.so ./blocked} are refused too. Files become known when an exec of them was denied, when a
 * block names them, and when the agent passes newly written files to {@link #inspect}.
 *
 * <h2>Verdicts</h2>
 * The reader thread only reads events and hands them to worker threads. A worker looks the file's
 * hash up in a {@link ContentHashCache} keyed by (dev, ino, size, mtime, ctime) and hashes the
 * event's descriptor only on a miss; with an empty block list nothing is hashed at all.
 *
 * <p>A file found not blocked gets a kernel-side ignore mark ({@link PermissionGroup#ignoreExecs}):
 * its next execs do not leave the kernel at all until it is modified. Adding a block flushes all
 * inode marks (then puts the open guards back) under a lock that also covers "check the list, set
 * the ignore mark" in the workers, so no ignore mark can outlive a block that would deny its file.
 *
 * <h2>The endpoint never freezes</h2>
 * Every event is also queued on a watchdog with a deadline: if no verdict was written by then (a
 * stalled worker, a slow disk, a huge file), the watchdog answers ALLOW; any exception answers ALLOW.
 * A verdict and the watchdog race for each event under the event's lock, so it is answered exactly
 * once, and the descriptor is closed only after that. A late hash still fills the cache, so the next
 * exec of the same file gets a real verdict. If the agent dies, the kernel closes the group and
 * allows whatever was pending.
 */
public final class ExecBlocker implements AutoCloseable {
    public static final String BLOCK = "block_hash";
    public static final String UNBLOCK = "unblock_hash";
    private static final int SELF = (int) ProcessHandle.current().pid();

    private final BlockerSettings settings;
    private final HashBlockList blockList;
    private final Consumer<BlockedAttempt> onBlocked;
    private final PermissionGroup group;
    private final ContentHashCache cache;
    private final ExecutorService workers;
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("exec-blocker-notify").daemon().factory());
    private final DelayQueue<Pending> watchdogQueue = new DelayQueue<>();
    private final Map<String, Set<Path>> guardedFiles = new ConcurrentHashMap<>();
    /** Read: a worker checking the list and setting an ignore mark. Write: a new block flushing ignore marks. */
    private final java.util.concurrent.locks.ReentrantReadWriteLock policy = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private final Thread reader;
    private final Thread watchdog;
    private volatile boolean running = true;
    /** Closing: every event still read is allowed without a verdict. */
    private volatile boolean draining;
    private final LongAdder emptyPolls = new LongAdder();
    private final Counters counters = new Counters();
    /** Asked about every execution the block list allows; replaced under the write lock of {@link #policy}. */
    private volatile ExecInspector inspector = ExecInspector.NONE;

    private ExecBlocker(BlockerSettings settings, HashBlockList blockList, Consumer<BlockedAttempt> onBlocked,
                        PermissionGroup group) {
        this.settings = settings;
        this.blockList = blockList;
        this.onBlocked = onBlocked;
        this.group = group;
        this.cache = new ContentHashCache(settings.cacheCapacity());
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(settings.workers(),
                r -> Thread.ofPlatform().name("exec-blocker-verdict-" + n.incrementAndGet()).daemon().unstarted(r));
        this.reader = Thread.ofPlatform().name("exec-blocker-reader").daemon().unstarted(this::readLoop);
        this.watchdog = Thread.ofPlatform().name("exec-blocker-watchdog").daemon().unstarted(this::watchdogLoop);
    }

    /**
     * Starts blocking: opens the group, marks the filesystems, guards the files already known, and
     * starts the threads. Fails (with nothing left marked) when the kernel refuses.
     */
    public static ExecBlocker start(BlockerSettings settings, HashBlockList blockList, Consumer<BlockedAttempt> onBlocked)
            throws IOException {
        warmUp();
        PermissionGroup group = PermissionGroup.open();
        try {
            for (Path fs : settings.filesystems()) {
                group.markFilesystem(fs);
            }
        } catch (IOException e) {
            group.close();
            throw e;
        }
        ExecBlocker blocker = new ExecBlocker(settings, blockList, onBlocked, group);
        blocker.watchdog.start();
        blocker.reader.start();
        return blocker;
    }

    /**
     * Runs the verdict path once on an ordinary file before any mark exists: the first use of the
     * native calls and the digest links and compiles code, which must not eat the deadline of the
     * first real event.
     */
    private static void warmUp() {
        String self = ProcessHandle.current().info().command().orElse("/proc/self/exe");
        int fd = Sys.openReadOnly(self);
        if (fd < 0) {
            return;
        }
        try {
            Sys.FileStat stat = Sys.fstat(fd);
            if (stat != null) {
                ContentHashCache.Key.of(stat);
                hashDescriptor(fd, stat.size());
            }
            Sys.fdPath(fd);
            exeOf((int) ProcessHandle.current().pid());
            new Pending(new PermissionGroup.Event(fd, 0, 0), 0).getDelay(TimeUnit.NANOSECONDS);
        } finally {
            Sys.close(fd);
        }
    }

    // ---- actions -----------------------------------------------------------------------------

    /**
     * Blocks a hash; {@code files} are paths that hold it (from the alert), which also get open
     * guards against interpreters. Effective for the next exec when this returns.
     */
    public ActionResult block(String sha256, String reason, Instant expiresAt, List<Path> files) {
        String hash;
        try {
            hash = Sha256.normalise(sha256);
        } catch (IllegalArgumentException e) {
            return ActionResult.failed(BLOCK, sha256, e.getMessage());
        }
        boolean added;
        policy.writeLock().lock();
        try {
            added = blockList.add(hash, reason, expiresAt);
            if (added) {
                group.flushInodeMarks();
                guardedFiles.values().forEach(guarded -> guarded.forEach(group::markFile));
            }
        } catch (IOException e) {
            return ActionResult.failed(BLOCK, hash, "cannot save the block list: " + e.getMessage() + "; not blocked");
        } finally {
            policy.writeLock().unlock();
        }
        List<String> notes = new ArrayList<>();
        List<String> guarded = new ArrayList<>();
        for (Path f : files) {
            String note = inspect(f);
            if (note == null) {
                guarded.add(f.toString());
            } else {
                notes.add(note);
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("guarded_files", guarded);
        if (!notes.isEmpty()) {
            data.put("notes", notes);
        }
        String detail = (added ? "blocked" : "already blocked") + (expiresAt == null ? "" : " until " + expiresAt)
                + (guarded.isEmpty() ? "" : "; open guard on " + guarded.size() + " file(s)")
                + (notes.isEmpty() ? "" : "; " + String.join("; ", notes));
        return added ? ActionResult.done(BLOCK, hash, detail, data) : ActionResult.already(BLOCK, hash, detail, data);
    }

    /**
     * Asks {@code newInspector} about every execution from now on, also of files whose execs were ignored in the kernel
     * so far (every ignore mark is dropped). Called again with the same inspector after its rules changed, it makes
     * every file be inspected again.
     */
    public void inspectWith(ExecInspector newInspector) {
        policy.writeLock().lock();
        try {
            inspector = newInspector;
            group.flushInodeMarks();
            guardedFiles.values().forEach(guarded -> guarded.forEach(group::markFile));
        } finally {
            policy.writeLock().unlock();
        }
    }

    /** Lifts a block and removes the open guards placed for it. */
    public ActionResult unblock(String sha256) {
        String hash;
        try {
            hash = Sha256.normalise(sha256);
        } catch (IllegalArgumentException e) {
            return ActionResult.failed(UNBLOCK, sha256, e.getMessage());
        }
        boolean removed;
        try {
            removed = blockList.remove(hash);
        } catch (IOException e) {
            return ActionResult.failed(UNBLOCK, hash, "cannot save the block list: " + e.getMessage() + "; still blocked");
        }
        Set<Path> files = guardedFiles.remove(hash);
        if (files != null) {
            files.forEach(group::unmarkFile);
        }
        return removed ? ActionResult.done(UNBLOCK, hash, "unblocked") : ActionResult.already(UNBLOCK, hash, "was not blocked");
    }

    /**
     * Hashes a file (e.g. one the file sensor saw written) and, when its hash is blocked, puts an open
     * guard on it so interpreters cannot read it either.
     *
     * @return null when the file is guarded now, otherwise why not
     */
    public String inspect(Path file) {
        String hash;
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = Sha256.digest();
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
            hash = Sha256.hex(sha.digest());
        } catch (IOException e) {
            return file + ": cannot be read to check its hash (" + e.getMessage() + ")";
        }
        if (!blockList.contains(hash)) {
            return file + ": its hash is not blocked";
        }
        return guard(hash, file);
    }

    /** Puts an open guard on a file; under the policy lock, so a concurrent block's flush cannot lose it. */
    private String guard(String hash, Path file) {
        policy.readLock().lock();
        try {
            int rc = group.markFile(file);
            if (rc < 0) {
                return file + ": open guard failed (errno " + -rc + ")";
            }
            guardedFiles.computeIfAbsent(hash, h -> ConcurrentHashMap.newKeySet()).add(file);
            return null;
        } finally {
            policy.readLock().unlock();
        }
    }

    public Stats stats() {
        return new Stats(counters.events.sum(), counters.allowed.sum(), counters.denied.sum(), counters.watchdogAllows.sum(),
                counters.errors.sum(), counters.hashed.sum(), counters.ignoreMarks.sum(), cache.size());
    }

    /**
     * Counts since start; {@code watchdogAllows} are events answered ALLOW because no verdict came in
     * time; {@code ignoreMarks} files whose later execs stay in the kernel.
     */
    public record Stats(long events, long allowed, long denied, long watchdogAllows, long errors, long hashed,
                        long ignoreMarks, int cachedHashes) {
    }

    // ---- event handling ----------------------------------------------------------------------

    private void readLoop() {
        while (running) {
            List<PermissionGroup.Event> events;
            try {
                events = group.read(100);
            } catch (IOException | RuntimeException e) {
                counters.errors.increment();
                if (!running) {
                    return;
                }
                sleepQuietly();
                continue;
            }
            if (events.isEmpty()) {
                emptyPolls.increment();
            }
            for (PermissionGroup.Event event : events) {
                if (event.fd() < 0) {
                    continue;
                }
                counters.events.increment();
                Pending p = new Pending(event, System.nanoTime() + settings.deadline().toNanos());
                watchdogQueue.add(p);
                try {
                    workers.execute(() -> decide(p));
                } catch (RejectedExecutionException e) {
                    answer(p, true);
                    Sys.close(event.fd());
                }
            }
        }
    }

    private void decide(Pending p) {
        Decision decision = Decision.ALLOW;
        try {
            settings.beforeVerdict().run();
            decision = verdict(p);
        } catch (Throwable t) {
            counters.errors.increment();
            decision = Decision.ALLOW;
        } finally {
            boolean answered = answer(p, decision.allow());
            Sys.close(p.event.fd());
            boolean refused = answered && !decision.allow();
            if (refused) report(decision.attempt());
            if (decision.inspected() != null) tell(decision.inspected(), refused);
        }
    }

    /** A verdict: allow, or refuse with the attempt to report; {@code inspected} hears whether an inspector's denial held. */
    private record Decision(boolean allow, BlockedAttempt attempt, ExecInspector.Verdict inspected) {
        static final Decision ALLOW = new Decision(true, null, null);

        static Decision allow(boolean ignored) {
            return ALLOW;
        }
    }

    /** Only what is needed: no hashing while nothing is blocked and nothing inspected, cached hashes otherwise. */
    private Decision verdict(Pending p) {
        if (draining) {
            return Decision.ALLOW;
        }
        if (!p.event.exec() && p.event.pid() == SELF) {
            return Decision.ALLOW; // the agent itself reads guarded files: to quarantine, collect or hash them
        }
        ExecInspector inspecting = p.event.exec() ? inspector : ExecInspector.NONE;
        boolean inspect = inspecting.active();
        if (blockList.isEmpty() && !inspect) {
            return Decision.allow(allowAndIgnore(p, null, inspecting));
        }
        Sys.FileStat stat = Sys.fstat(p.event.fd());
        if (stat == null) {
            counters.errors.increment();
            return Decision.ALLOW;
        }
        ContentHashCache.Key key = ContentHashCache.Key.of(stat);
        String hash = cache.get(key);
        if (hash == null) {
            hash = hashDescriptor(p.event.fd(), stat.size());
            counters.hashed.increment();
            cache.put(key, hash);
        }
        if (!blockList.contains(hash)) {
            if (inspect) {
                String path = Sys.fdPath(p.event.fd());
                ExecInspector.Verdict verdict = inspecting.inspect(new ExecutedFile(p.event.fd(), p.event.pid(), hash, stat.size(), path));
                if (verdict.denyReason() != null) {
                    return new Decision(false, new BlockedAttempt(Instant.now(), "exec", p.event.pid(), path, hash, exeOf(p.event.pid()),
                            verdict.denyReason()), verdict);
                }
            }
            return Decision.allow(allowAndIgnore(p, hash, inspecting));
        }
        String path = Sys.fdPath(p.event.fd());
        if (p.event.exec() && path != null && !path.endsWith(" (deleted)")) {
            guard(hash, Path.of(path));
        }
        return new Decision(false, new BlockedAttempt(Instant.now(), p.event.exec() ? "exec" : "open", p.event.pid(), path, hash,
                exeOf(p.event.pid()), blockList.reason(hash)), null);
    }

    /**
     * Sets the kernel-side ignore mark for an allowed exec, unless a block for {@code hash} (or any
     * block, when the list was empty and nothing was hashed) or another inspector arrived meanwhile. Always allows.
     */
    private boolean allowAndIgnore(Pending p, String hash, ExecInspector inspected) {
        if (!p.event.exec() || !settings.ignoreMarks()) {
            return true;
        }
        policy.readLock().lock();
        try {
            boolean stillAllowed = (hash == null ? blockList.isEmpty() : !blockList.contains(hash)) && inspected == inspector;
            if (stillAllowed && group.ignoreExecs(p.event.fd()) == 0) {
                counters.ignoreMarks.increment();
            }
        } finally {
            policy.readLock().unlock();
        }
        return true;
    }

    private static final ThreadLocal<MemorySegment> HASH_BUFFER =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(256 * 1024, 8));

    private static String hashDescriptor(int fd, long size) {
        MemorySegment buf = HASH_BUFFER.get();
        MessageDigest sha = Sha256.digest();
        long offset = 0;
        while (true) {
            long n = Sys.pread(fd, buf, buf.byteSize(), offset);
            if (n == -Sys.EINTR) {
                continue;
            }
            if (n < 0) {
                throw new IllegalStateException("pread of the event file failed: errno " + -n);
            }
            if (n == 0) {
                break;
            }
            sha.update(buf.asSlice(0, n).asByteBuffer());
            offset += n;
        }
        return Sha256.hex(sha.digest());
    }

    private static String exeOf(int pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private void tell(ExecInspector.Verdict verdict, boolean refused) {
        try {
            notifier.execute(() -> {
                try {
                    verdict.onAnswered().accept(refused);
                } catch (RuntimeException e) {
                    counters.errors.increment();
                }
            });
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void report(BlockedAttempt attempt) {
        try {
            notifier.execute(() -> {
                try {
                    onBlocked.accept(attempt);
                } catch (RuntimeException e) {
                    counters.errors.increment();
                }
            });
        } catch (RejectedExecutionException e) {
            // closing: the attempt was still denied
        }
    }

    /** Writes the answer unless the other side (verdict or watchdog) already did; true when this call answered. */
    private boolean answer(Pending p, boolean allow) {
        synchronized (p) {
            if (p.answered) {
                return false;
            }
            p.answered = true;
            group.respond(p.event.fd(), allow);
        }
        (allow ? counters.allowed : counters.denied).increment();
        return true;
    }

    private void watchdogLoop() {
        while (running || !watchdogQueue.isEmpty()) {
            try {
                Pending p = watchdogQueue.poll(100, TimeUnit.MILLISECONDS);
                if (p != null && answer(p, true)) {
                    counters.watchdogAllows.increment();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                counters.errors.increment();
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops blocking without ever leaving an exec waiting: the marks go first (no new events), then the
     * reader goes on answering ALLOW to whatever was queued until the queue stays empty, and only then is
     * the group closed (the kernel allows anything still pending). Closing the group while its marks were
     * live could hang execs machine-wide: a process being spawned holds a reference to the group until its
     * exec passed the check, so the group would outlive the close with nobody reading it.
     */
    @Override
    public void close() {
        draining = true;
        group.removeAllMarks();
        long quietPolls = emptyPolls.sum();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (reader.isAlive() && emptyPolls.sum() < quietPolls + 2 && System.nanoTime() < until) {
            sleepQuietly();
        }
        running = false;
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.close();
        workers.shutdownNow();
        notifier.shutdown();
        watchdog.interrupt();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
            watchdog.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The group's descriptor (tests). */
    int groupDescriptor() {
        return group.descriptor();
    }

    /** One event waiting for its answer. */
    private static final class Pending implements Delayed {
        final PermissionGroup.Event event;
        final long deadlineNanos;
        boolean answered;

        Pending(PermissionGroup.Event event, long deadlineNanos) {
            this.event = event;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(deadlineNanos, ((Pending) o).deadlineNanos);
        }
    }

    private static final class Counters {
        final LongAdder events = new LongAdder();
        final LongAdder allowed = new LongAdder();
        final LongAdder denied = new LongAdder();
        final LongAdder watchdogAllows = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder hashed = new LongAdder();
        final LongAdder ignoreMarks = new LongAdder();
    }
}
