package dev.kiroku.sensor.linux.fanotify;

import dev.kiroku.sensor.linux.procfs.Mount;
import dev.kiroku.sensor.linux.procfs.Mounts;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import static dev.kiroku.sensor.linux.fanotify.FanotifyCalls.*;

/**
 * File telemetry from fanotify: one notification group in FID mode
 * ({@code FAN_REPORT_DFID_NAME | FAN_REPORT_FID | FAN_REPORT_TARGET_FID}) with a
 * {@code FAN_MARK_FILESYSTEM} mark per watched filesystem. Needs root (CAP_SYS_ADMIN for the
 * marks, CAP_DAC_READ_SEARCH for open_by_handle_at).
 *
 * <p>Watched: CREATE, DELETE, CLOSE_WRITE (the modify signal; FAN_MODIFY fires on every write(2)
 * and floods, so it is not requested), RENAME (one event with old and new names, so
 * MOVED_FROM/MOVED_TO are not requested), ATTRIB, and ONDIR so directories are reported too.
 * DELETE_SELF is not requested: it duplicates DELETE for every file; deleted directories are
 * recognised from DELETE|ONDIR, whose target handle comes with FAN_REPORT_TARGET_FID.
 *
 * <p>The kernel queue is bounded unless {@link FanotifySettings#unlimitedQueue()} is set; an
 * overflow becomes a {@link FileLoss}. The read loop runs on its own platform thread and polls
 * with a timeout so {@link #stop()} returns within about {@value #POLL_MILLIS} ms.
 *
 * <p>Known blind spots: renames that replace an existing target do not report the replaced file's
 * deletion; writes through files that are never closed (mmap, long-lived logs) are not seen; the
 * pid is 0 or stale for events caused by exited processes; overlayfs mounts are not marked (their
 * writes land on the upper layer's filesystem, which is marked, under the upper-layer path).
 */
public final class FanotifyFileSource implements AutoCloseable {

    static final long MASK = FAN_CREATE | FAN_DELETE | FAN_CLOSE_WRITE | FAN_RENAME | FAN_ATTRIB | FAN_ONDIR;
    static final int POLL_MILLIS = 200;

    /** Disk and memory filesystems that support file handles; network and pseudo filesystems are not watched. */
    static final Set<String> LOCAL_TYPES = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "f2fs",
            "vfat", "exfat", "ntfs3", "jfs", "reiserfs", "bcachefs", "zfs", "nilfs2", "hfsplus");

    private static final String OVERFLOW_REASON =
            "fanotify kernel queue overflow (FAN_Q_OVERFLOW); the kernel does not say how many events were lost";

    private final FanotifySettings settings;
    private final InstantSource clock;

    private FanotifyCalls group;
    private HandlePaths handles;
    private Thread reader;
    private volatile boolean running;
    private final List<String> marked = new ArrayList<>();
    private final List<String> markFailures = new ArrayList<>();

    // written by the reader thread only
    private volatile long events;
    private volatile long notices;
    private volatile long overflows;
    private volatile long unresolved;
    private volatile long inexact;
    private volatile long ignored;
    private volatile long malformed;
    private volatile long sinkErrors;
    private volatile long linkCountOnly;
    private volatile String lastError;

    public FanotifyFileSource(FanotifySettings settings, InstantSource clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The mount points of local, writable filesystems, one per device, from a mount table:
     * types in {@link #LOCAL_TYPES}, not read-only, not below /proc or /sys.
     */
    public static List<String> localWritableFilesystems(Mounts mounts) {
        List<String> result = new ArrayList<>();
        Set<String> devices = new HashSet<>();
        // whole-filesystem mounts first, so a bind mount of a subdirectory is not the one chosen
        List<Mount> ordered = new ArrayList<>(mounts.all());
        ordered.sort((a, b) -> Boolean.compare(!a.root().equals("/"), !b.root().equals("/")));
        for (Mount m : ordered) {
            String mp = m.mountPoint();
            if (!LOCAL_TYPES.contains(m.fsType()) || m.readOnly()
                    || mp.equals("/proc") || mp.startsWith("/proc/") || mp.equals("/sys") || mp.startsWith("/sys/")) {
                continue;
            }
            if (devices.add(m.device())) {
                result.add(mp);
            }
        }
        return result;
    }

    /**
     * Creates the group, marks the filesystems and starts the reader thread, which hands each
     * {@link FileActivity} to {@code sink} (on the reader thread; a slow sink makes the kernel
     * queue overflow, a throwing sink is counted and ignored).
     *
     * @throws FanotifyException when fanotify is unavailable or no filesystem could be marked
     */
    public synchronized void start(Consumer<? super FileActivity> sink) throws IOException {
        Objects.requireNonNull(sink, "sink");
        if (group != null) {
            throw new IllegalStateException("already started");
        }
        int flags = FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME | FAN_REPORT_FID
                | FAN_REPORT_TARGET_FID | (settings.unlimitedQueue() ? FAN_UNLIMITED_QUEUE : 0);
        group = FanotifyCalls.init(flags, O_RDONLY | O_LARGEFILE, settings.readBufferSize());
        handles = new HandlePaths(settings.pathCacheSize());
        try {
            Mounts mounts = Mounts.ofSelf();
            List<String> paths = settings.markPaths().isEmpty()
                    ? localWritableFilesystems(mounts)
                    : settings.markPaths().stream().map(p -> p.toAbsolutePath().toString()).toList();
            for (String path : paths) {
                mark(path, mounts);
            }
            if (marked.isEmpty()) {
                throw new FanotifyException("fanotify_mark (no filesystem could be marked: " + markFailures + ")",
                        0, null);
            }
        } catch (IOException | RuntimeException e) {
            teardown();
            throw e;
        }
        running = true;
        reader = Thread.ofPlatform().name("kiroku-fanotify").daemon(true).start(() -> loop(sink));
    }

    private void mark(String path, Mounts mounts) {
        long fsid;
        try {
            fsid = FanotifyCalls.fsid(path);
        } catch (FanotifyException e) {
            markFailures.add(path + ": " + e.getMessage());
            return;
        }
        if (handles.knows(fsid)) {
            return; // same filesystem already marked through another path
        }
        int rc = group.mark(FAN_MARK_ADD | FAN_MARK_FILESYSTEM, MASK, path);
        if (rc < 0) {
            markFailures.add(path + ": " + new FanotifyException("fanotify_mark", -rc, null).getMessage());
            return;
        }
        int mountFd = FanotifyCalls.openAt(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (mountFd < 0) {
            group.mark(FAN_MARK_REMOVE | FAN_MARK_FILESYSTEM, MASK, path);
            markFailures.add(path + ": " + new FanotifyException("open", -mountFd, null).getMessage());
            return;
        }
        String mountPoint = mounts.containing(path).map(Mount::mountPoint).orElse(path);
        handles.addFilesystem(fsid, mountFd, mountPoint);
        marked.add(path);
    }

    /** Stops the reader (within about {@value #POLL_MILLIS} ms), removes the marks and closes the group. */
    public void stop() {
        Thread thread;
        synchronized (this) {
            running = false;
            thread = reader;
        }
        if (thread != null) {
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            teardown();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void teardown() {
        if (group != null) {
            try {
                for (String path : marked) {
                    group.mark(FAN_MARK_REMOVE | FAN_MARK_FILESYSTEM, MASK, path);
                }
            } finally {
                group.close();
                group = null;
                reader = null;
                if (handles != null) {
                    handles.close();
                }
            }
        }
    }

    public FanotifyStatus status() {
        List<String> m;
        List<String> f;
        synchronized (this) {
            m = List.copyOf(marked);
            f = List.copyOf(markFailures);
        }
        return new FanotifyStatus(events, notices, overflows, unresolved, inexact, ignored, malformed,
                sinkErrors, linkCountOnly, m, f);
    }

    /** The last error of the read loop (poll or read failing), or null. */
    public String lastError() {
        return lastError;
    }

    // ---- reader thread ------------------------------------------------------------------------

    private void loop(Consumer<? super FileActivity> sink) {
        byte[] buffer = new byte[group.bufferSize()];
        try {
            while (running) {
                int rc = group.poll(POLL_MILLIS);
                if (rc < 0) {
                    if (rc != -EINTR) {
                        lastError = "poll: errno " + -rc;
                        sleepQuietly();
                    }
                    continue;
                }
                if (rc > 0) {
                    drain(buffer, sink);
                }
            }
            drain(buffer, sink); // what was queued before stop
        } catch (RuntimeException | Error e) {
            lastError = "reader thread died: " + e;
            throw e;
        }
    }

    private void drain(byte[] buffer, Consumer<? super FileActivity> sink) {
        while (true) {
            int n = group.read(buffer);
            if (n == -EINTR) {
                continue;
            }
            if (n == -EAGAIN || n == 0) {
                return;
            }
            if (n < 0) {
                lastError = "read: errno " + -n;
                return;
            }
            malformed += FanotifyEventParser.parse(buffer, n, event -> handle(event, sink));
        }
    }

    private record Named(String path, boolean resolved, boolean exact) {
    }

    private void handle(RawEvent event, Consumer<? super FileActivity> sink) {
        events++;
        Instant now = clock.instant();
        if (event.has(FAN_Q_OVERFLOW)) {
            overflows++;
            emit(sink, new FileLoss(now, 1, OVERFLOW_REASON));
            return;
        }
        boolean directory = event.has(FAN_ONDIR);
        boolean skip = settings.ignoredPids().contains(event.pid());
        RawEvent.Info target = event.info(INFO_FID);

        if (event.has(FAN_RENAME)) {
            RawEvent.Info from = event.info(INFO_OLD_DFID_NAME);
            RawEvent.Info to = event.info(INFO_NEW_DFID_NAME);
            if (from == null || to == null) {
                malformed++;
                return;
            }
            Named oldName = named(from);
            Named newName = named(to);
            if (directory && target != null) {
                handles.moved(target.handle(), oldName.path(),
                        new HandlePaths.DirPath(newName.path(), newName.resolved(), newName.exact()));
            }
            if (skip) {
                ignored++;
                return;
            }
            emit(sink, new FileNotice(now, event.pid(), FileNotice.Kind.RENAME, newName.path(), oldName.path(),
                    directory, oldName.resolved() && newName.resolved(), oldName.exact() && newName.exact()));
            return;
        }

        RawEvent.Info entry = event.info(INFO_DFID_NAME);
        if (entry == null) {
            entry = event.info(INFO_DFID);
        }
        Named path;
        if (entry != null) {
            path = named(entry);
        } else if (target != null && (event.mask() & ~(FAN_ATTRIB | FAN_ONDIR)) == 0) {
            // An ATTRIB with the object's handle only: the kernel's link-count notice on unlink,
            // link and rename-over (no dentry, so no name). The object is usually gone (ESTALE)
            // and the directory event (DELETE/CREATE/RENAME) already says what happened.
            linkCountOnly++;
            return;
        } else if (target != null) {
            HandlePaths.DirPath object = handles.object(target.handle());
            path = new Named(object.path(), object.resolved(), object.exact());
        } else {
            malformed++;
            return;
        }
        if (directory && target != null && event.has(FAN_CREATE)) {
            handles.remember(target.handle(), new HandlePaths.DirPath(path.path(), path.resolved(), path.exact()));
        }
        if (skip) {
            ignored++;
        } else {
            int pid = event.pid();
            if (event.has(FAN_CREATE)) {
                emit(sink, notice(now, pid, FileNotice.Kind.CREATE, path, directory));
            }
            if (event.has(FAN_CLOSE_WRITE)) {
                emit(sink, notice(now, pid, FileNotice.Kind.MODIFY, path, directory));
            }
            if (event.has(FAN_ATTRIB)) {
                emit(sink, notice(now, pid, FileNotice.Kind.ATTRIB, path, directory));
            }
            if (event.has(FAN_DELETE)) {
                emit(sink, notice(now, pid, FileNotice.Kind.DELETE, path, directory));
            }
        }
        if (directory && target != null && event.has(FAN_DELETE)) {
            handles.forget(target.handle());
        }
    }

    private Named named(RawEvent.Info info) {
        HandlePaths.DirPath dir = handles.directory(info.handle());
        PathText name = PathText.decode(info.name() == null ? new byte[0] : info.name());
        return new Named(HandlePaths.join(dir.path(), name.text()), dir.resolved(), dir.exact() && name.exact());
    }

    private static FileNotice notice(Instant now, int pid, FileNotice.Kind kind, Named path, boolean directory) {
        return new FileNotice(now, pid, kind, path.path(), null, directory, path.resolved(), path.exact());
    }

    private void emit(Consumer<? super FileActivity> sink, FileActivity activity) {
        if (activity instanceof FileNotice notice) {
            notices++;
            if (!notice.pathResolved()) {
                unresolved++;
            }
            if (!notice.pathExact()) {
                inexact++;
            }
        }
        try {
            sink.accept(activity);
        } catch (RuntimeException e) {
            sinkErrors++;
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
