package dev.kiroku.sensor.linux.fanotify;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns file handles from fanotify info records into paths: {@code open_by_handle_at} against
 * one mount fd per filesystem (keyed by fsid), then {@code readlink /proc/self/fd/N}.
 *
 * <p>Directory paths are kept in a bounded LRU cache, which matters for two reasons: resolution
 * costs three system calls, and a directory deleted before its events are read can no longer be
 * opened (ESTALE). The owner keeps the cache right: new directories are added from their create
 * event (FAN_REPORT_TARGET_FID carries the child's handle), renamed ones are moved (with everything
 * cached below them), deleted ones removed. Because events are applied in kernel order, a cached
 * path is the path as of the event, not as of the read.
 *
 * <p>Not thread-safe: used by the reader thread only.
 */
final class HandlePaths implements AutoCloseable {

    /** Marks the unknown part of a path that could not be resolved. */
    static final String UNKNOWN = "\u2026";
    private static final byte[] DELETED_SUFFIX = " (deleted)".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_WALK_UP = 256;

    /** A directory's path and how trustworthy it is. */
    record DirPath(String path, boolean resolved, boolean exact) {
    }

    private record Filesystem(int mountFd, String mountPoint) {
    }

    private final Map<Long, Filesystem> filesystems = new HashMap<>();
    private final LinkedHashMap<HandleKey, DirPath> cache;
    private long lookups;
    private long misses;

    HandlePaths(int cacheSize) {
        this.cache = new LinkedHashMap<>(Math.min(cacheSize, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<HandleKey, DirPath> eldest) {
                return size() > cacheSize;
            }
        };
    }

    /** Registers a filesystem: the fd must stay open until {@link #close()}, which closes it. */
    void addFilesystem(long fsid, int mountFd, String mountPoint) {
        Filesystem old = filesystems.putIfAbsent(fsid, new Filesystem(mountFd, mountPoint));
        if (old != null) {
            FanotifyCalls.closeFd(mountFd);
        }
    }

    boolean knows(long fsid) {
        return filesystems.containsKey(fsid);
    }

    /** The path of the directory with this handle: from the cache, else from the kernel. */
    DirPath directory(HandleKey key) {
        lookups++;
        DirPath cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        misses++;
        DirPath fresh = resolve(key);
        if (fresh.resolved()) {
            cache.put(key, fresh);
        }
        return fresh;
    }

    /** The path of any object (file or directory) by handle; not cached. */
    DirPath object(HandleKey key) {
        DirPath cached = cache.get(key);
        return cached != null ? cached : resolve(key);
    }

    void remember(HandleKey directory, DirPath path) {
        if (path.resolved()) {
            cache.put(directory, path);
        }
    }

    void forget(HandleKey directory) {
        DirPath gone = cache.remove(directory);
        if (gone != null) {
            forgetBelow(gone.path());
        }
    }

    /** A directory moved: re-point it and drop everything cached below its old path. */
    void moved(HandleKey directory, String oldPath, DirPath newPath) {
        cache.remove(directory);
        forgetBelow(oldPath);
        remember(directory, newPath);
    }

    private void forgetBelow(String path) {
        String prefix = path.endsWith("/") ? path : path + "/";
        for (Iterator<DirPath> it = cache.values().iterator(); it.hasNext(); ) {
            if (it.next().path().startsWith(prefix)) {
                it.remove();
            }
        }
    }

    int cacheSize() {
        return cache.size();
    }

    long lookups() {
        return lookups;
    }

    long misses() {
        return misses;
    }

    private DirPath resolve(HandleKey key) {
        Filesystem fs = filesystems.get(key.fsid());
        if (fs == null) {
            return new DirPath(UNKNOWN, false, true);
        }
        String unknownBelowMount = join(fs.mountPoint(), UNKNOWN);
        int fd = FanotifyCalls.openByHandle(fs.mountFd(), key.handleType(), key.handle());
        if (fd < 0) {
            return new DirPath(unknownBelowMount, false, true); // ESTALE: gone before we looked
        }
        try {
            FanotifyCalls.ReadlinkResult link = FanotifyCalls.readFdLink(fd);
            if (link.ok()) {
                return fromLink(link.target(), true);
            }
            if (link.errno() == FanotifyCalls.ENAMETOOLONG) {
                return walkUp(fd, unknownBelowMount);
            }
            return new DirPath(unknownBelowMount, false, true);
        } finally {
            FanotifyCalls.closeFd(fd);
        }
    }

    /** Deeper than PATH_MAX: find the nearest ancestor whose path fits, and mark the rest unknown. */
    private static DirPath walkUp(int fd, String fallback) {
        int current = fd;
        try {
            for (int level = 0; level < MAX_WALK_UP; level++) {
                int parent = FanotifyCalls.openAt(current, "..",
                        FanotifyCalls.O_PATH | FanotifyCalls.O_DIRECTORY | FanotifyCalls.O_CLOEXEC);
                if (current != fd) {
                    FanotifyCalls.closeFd(current);
                }
                current = parent;
                if (parent < 0) {
                    break;
                }
                FanotifyCalls.ReadlinkResult link = FanotifyCalls.readFdLink(parent);
                if (link.ok()) {
                    DirPath ancestor = fromLink(link.target(), false);
                    return new DirPath(join(ancestor.path(), UNKNOWN), false, ancestor.exact());
                }
            }
        } finally {
            if (current != fd) {
                FanotifyCalls.closeFd(current);
            }
        }
        return new DirPath(fallback, false, true);
    }

    private static DirPath fromLink(byte[] target, boolean resolved) {
        int length = target.length;
        boolean deleted = endsWith(target, DELETED_SUFFIX);
        if (deleted) {
            length -= DELETED_SUFFIX.length;
        }
        PathText text = PathText.decode(target, 0, length);
        return new DirPath(text.text(), resolved && !deleted, text.exact());
    }

    private static boolean endsWith(byte[] bytes, byte[] suffix) {
        return bytes.length >= suffix.length && Arrays.equals(bytes, bytes.length - suffix.length,
                bytes.length, suffix, 0, suffix.length);
    }

    static String join(String directory, String name) {
        if (name.isEmpty() || name.equals(".")) {
            return directory;
        }
        return directory.endsWith("/") ? directory + name : directory + "/" + name;
    }

    @Override
    public void close() {
        for (Filesystem fs : filesystems.values()) {
            FanotifyCalls.closeFd(fs.mountFd());
        }
        filesystems.clear();
        cache.clear();
    }
}
