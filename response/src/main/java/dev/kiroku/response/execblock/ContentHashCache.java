package dev.kiroku.response.execblock;

import dev.kiroku.response.ffm.Sys;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SHA-256 of file contents by the file's identity (device, inode, size, mtime and ctime in
 * nanoseconds): a binary is hashed once, and again only after it changed. ctime is part of the key
 * because mtime can be set back by anyone who can write the file, ctime cannot. Bounded (least
 * recently used out); thread-safe.
 *
 * <p>The cache holds hashes, not verdicts, so adding or removing a block takes effect on the very
 * next exec without invalidating anything.
 */
final class ContentHashCache {
    /** The identity of one version of a file's content. */
    record Key(long dev, long ino, long size, long mtimeNanos, long ctimeNanos) {
        static Key of(Sys.FileStat s) {
            return new Key(s.dev(), s.ino(), s.size(), s.mtimeNanos(), s.ctimeNanos());
        }
    }

    private final Map<Key, String> hashes;

    ContentHashCache(int capacity) {
        this.hashes = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, String> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized String get(Key key) {
        return hashes.get(key);
    }

    synchronized void put(Key key, String sha256) {
        hashes.put(key, sha256);
    }

    synchronized int size() {
        return hashes.size();
    }
}
