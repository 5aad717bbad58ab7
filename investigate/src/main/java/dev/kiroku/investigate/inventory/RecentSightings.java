package dev.kiroku.investigate.inventory;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the inventory database already holds for recently seen (endpoint, path, hash) entries, so that recorded events
 * write only sightings that change an entry: a new file or version, an earlier first sighting, a first execution, new
 * hashes, another host name or source, or a last sighting more than {@link #RESOLUTION} after the one written. An
 * endpoint running the same program every second thus costs one database write a minute, not one per event; the
 * entry's last-seen time is exact to within that resolution. Bounded: the least recently used entries are forgotten
 * (and written again at their next sighting). Thread-safe.
 */
final class RecentSightings {
    /** How stale an entry's last-seen (and last-executed) time may be. */
    static final Duration RESOLUTION = Duration.ofMinutes(1);

    private record Key(String agentId, String path, String sha256) {
        static Key of(InventoryRecord r) {
            return new Key(r.agentId(), r.path(), r.sha256());
        }
    }

    /** What the database holds for a key, as far as this process wrote it. */
    private record Written(Instant firstSeen, Instant lastSeen, boolean executed, boolean md5, boolean sha1, String hostName,
                           String source) {
        Written with(InventoryRecord r) {
            return new Written(r.seenAt().isBefore(firstSeen) ? r.seenAt() : firstSeen, r.seenAt().isAfter(lastSeen) ? r.seenAt() : lastSeen,
                    executed || r.executed(), md5 || r.md5() != null, sha1 || r.sha1() != null, r.hostName(), r.source());
        }

        static Written of(InventoryRecord r) {
            return new Written(r.seenAt(), r.seenAt(), r.executed(), r.md5() != null, r.sha1() != null, r.hostName(), r.source());
        }
    }

    private final Map<Key, Written> written;

    RecentSightings(int capacity) {
        this.written = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Written> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * True when writing this sighting would change nothing that matters: the entry is known, and the sighting adds no
     * earlier first sighting, no execution, no size, no hash, no other host or source, and is within the resolution of
     * the last sighting written. Otherwise the sighting is counted as written (call {@link #forget} if the write fails),
     * so a batch that repeats a sighting writes it once.
     */
    synchronized boolean alreadyWritten(InventoryRecord r) {
        Key key = Key.of(r);
        Written w = written.get(key);
        boolean covered = w != null && r.size() < 0
                && !r.seenAt().isBefore(w.firstSeen()) && r.seenAt().isBefore(w.lastSeen().plus(RESOLUTION))
                && (w.executed() || !r.executed()) && (w.md5() || r.md5() == null) && (w.sha1() || r.sha1() == null)
                && w.hostName().equals(r.hostName()) && Objects.equals(w.source(), r.source());
        if (!covered) written.put(key, w == null ? Written.of(r) : w.with(r));
        return covered;
    }

    /** These sightings were written (by any path). */
    synchronized void written(Collection<InventoryRecord> records) {
        for (InventoryRecord r : records) written.merge(Key.of(r), Written.of(r), (old, fresh) -> old.with(r));
    }

    /** These sightings could not be written: what is known of their entries is no longer sure. */
    synchronized void forget(Collection<InventoryRecord> records) {
        for (InventoryRecord r : records) written.remove(Key.of(r));
    }
}
