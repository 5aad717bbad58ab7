package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.store.AppendResult;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.EventSchema;
import dev.kiroku.store.EventStore;
import dev.kiroku.store.FieldSpec;
import dev.kiroku.store.HistogramBucket;
import dev.kiroku.store.Hit;
import dev.kiroku.store.Page;
import dev.kiroku.store.SequenceGaps;
import dev.kiroku.store.SequenceRange;
import dev.kiroku.store.SortPosition;
import dev.kiroku.store.StoreStatus;
import dev.kiroku.store.StoreUnavailableException;
import dev.kiroku.store.TermCount;
import dev.kiroku.store.Terms;
import org.apache.lucene.document.Document;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * The embedded {@link dev.kiroku.store.EventStore}: one Lucene index per UTC day under a root
 * directory, searched together newest first. A maintenance thread refreshes searchers, commits
 * periodically and applies the retention period by deleting whole days.
 */
public final class LuceneEventStore implements EventStore {
    private final Path root;
    private final InstantSource clock;
    private final LuceneStoreOptions options;
    /** Starts as the options' retention; {@link #retention(Duration)} changes it for the next append and maintenance run. */
    private volatile Duration retention;
    private final ConcurrentSkipListMap<LocalDate, Partition> partitions = new ConcurrentSkipListMap<>(Comparator.reverseOrder());
    /** Readers and writers of partitions hold the read lock; retention and close take the write lock. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final Object claims = new Object();
    private final AtomicReference<Health> health;
    private final ScheduledExecutorService maintenance;
    private final IndexingThreads indexing = IndexingThreads.perCore();
    private volatile long lastCommitNanos = System.nanoTime();
    private final SearchableWaiters searchable = new SearchableWaiters();
    private volatile boolean closed;

    private record Health(StoreStatus.State state, String detail, Instant since) {
    }

    /**
     * Opens (or creates) the store under {@code root}.
     *
     * @param clock the time retention is measured against and {@code now} in queries
     */
    public LuceneEventStore(Path root, InstantSource clock, LuceneStoreOptions options) {
        this.root = root;
        this.clock = clock;
        this.options = options;
        this.retention = options.retention();
        this.health = new AtomicReference<>(new Health(StoreStatus.State.OK, "", clock.instant()));
        try {
            Files.createDirectories(root);
            try (Stream<Path> dirs = Files.list(root)) {
                for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                    LocalDate day = parseDay(dir.getFileName().toString());
                    if (day != null) partitions.put(day, Partition.open(day, dir, options));
                }
            }
        } catch (IOException e) {
            partitions.values().forEach(p -> closeQuietly(p));
            throw new UncheckedIOException("cannot open event store at " + root, e);
        }
        long period = Math.max(1, options.refreshInterval().toMillis());
        this.maintenance = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("kiroku-store-maintenance").factory());
        maintenance.scheduleWithFixedDelay(this::maintain, 0, period, TimeUnit.MILLISECONDS);
    }

    private static LocalDate parseDay(String name) {
        try {
            return LocalDate.parse(name);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- writing

    /** An event to store, its document, its day and, once claimed, its day's partition. */
    record Pending(Event event, Document doc, LocalDate day, Partition partition) {
        Pending in(Partition claimedBy) {
            return new Pending(event, doc, day, claimedBy);
        }
    }

    @Override
    public AppendResult append(List<Event> events) {
        refuseWhileDiskFull();
        LocalDate oldestKept = oldestKeptDay();
        List<Built> built = indexing.each(indexing.slices(events.size()), slice -> documents(slice(events, slice), oldestKept));
        List<AppendResult.Rejected> rejected = new ArrayList<>();
        List<Pending> pending = new ArrayList<>(events.size());
        for (Built b : built) {
            pending.addAll(b.pending());
            rejected.addAll(b.rejected());
        }
        int stored = 0;
        int duplicates = 0;
        List<Pending> claimed = new ArrayList<>(pending.size());
        Exception failure = null;
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            synchronized (claims) {
                for (Pending p : pending) {
                    if (isStored(p.event().agentId(), p.event().sequence())) {
                        duplicates++;
                        continue;
                    }
                    Partition partition = partition(p.day());
                    partition.sequences(p.event().agentId()).add(p.event().sequence());
                    claimed.add(p.in(partition));
                }
            }
            for (Added a : indexing.each(indexing.slices(claimed.size()), slice -> addRuns(slice(claimed, slice)))) {
                stored += a.stored();
                rejected.addAll(a.rejected());
                if (a.failure() != null && failure == null) failure = a.failure();
            }
        } catch (IOException ex) {
            failure = ex;
        } finally {
            lifecycle.readLock().unlock();
        }
        // Every partition this append claimed in goes back to its last commit: a slice stops at its first failure,
        // leaving claims in later partitions that were never added (they must not count as stored).
        if (failure != null) throw writeFailed(claimed.stream().map(Pending::partition).distinct().toList(), failure);
        return new AppendResult(stored, duplicates, rejected);
    }

    /** The {@code slice}th of the contiguous, nearly equal parts an append's work is cut into. */
    private <T> List<T> slice(List<T> all, int slice) {
        int slices = indexing.slices(all.size());
        return all.subList(all.size() * slice / slices, all.size() * (slice + 1) / slices);
    }

    /** Documents of events an append may store, and the events refused before claiming. */
    private record Built(List<Pending> pending, List<AppendResult.Rejected> rejected) {
    }

    private Built documents(List<Event> events, LocalDate oldestKept) {
        List<AppendResult.Rejected> rejected = new ArrayList<>();
        List<Pending> pending = new ArrayList<>(events.size());
        for (Event e : events) {
            LocalDate day = LocalDate.ofInstant(e.timestamp(), ZoneOffset.UTC);
            if (oldestKept != null && day.isBefore(oldestKept)) {
                rejected.add(new AppendResult.Rejected(e.agentId(), e.sequence(), "older than the retention period (" + retention + ")"));
                continue;
            }
            try {
                pending.add(new Pending(e, EventDocuments.of(e), day, null));
            } catch (RuntimeException ex) {
                rejected.add(new AppendResult.Rejected(e.agentId(), e.sequence(), ex.getMessage()));
            }
        }
        return new Built(pending, rejected);
    }

    /** What adding a slice of claimed events did; on a write failure, the failure (the events after it not added). */
    private record Added(int stored, List<AppendResult.Rejected> rejected, Exception failure) {
    }

    /** Adds claimed events, runs of one day's events as one group each (one lock and flush check per group). */
    private static Added addRuns(List<Pending> claimed) {
        List<AppendResult.Rejected> rejected = new ArrayList<>();
        int stored = 0;
        for (int from = 0; from < claimed.size(); ) {
            Partition partition = claimed.get(from).partition();
            int to = from + 1;
            while (to < claimed.size() && claimed.get(to).partition() == partition) to++;
            try {
                stored += add(partition, claimed.subList(from, to), rejected);
            } catch (IOException | AlreadyClosedException ex) {
                return new Added(stored, rejected, ex);
            }
            from = to;
        }
        return new Added(stored, rejected, null);
    }

    /**
     * Adds a run of one partition's documents as a group; when Lucene refuses one of them (the
     * group then stores none), adds them one at a time so that only the refused ones are rejected.
     *
     * @return how many were stored
     */
    static int add(Partition partition, List<Pending> run, List<AppendResult.Rejected> rejected) throws IOException {
        List<Document> docs = new ArrayList<>(run.size());
        for (Pending p : run) docs.add(p.doc());
        try {
            partition.addAll(docs);
            return run.size();
        } catch (IllegalArgumentException groupRefused) {
            int stored = 0;
            for (Pending p : run) {
                try {
                    partition.add(p.doc());
                    stored++;
                } catch (IllegalArgumentException ex) {
                    partition.sequences(p.event().agentId()).remove(p.event().sequence());
                    rejected.add(new AppendResult.Rejected(p.event().agentId(), p.event().sequence(), ex.getMessage()));
                }
            }
            return stored;
        }
    }

    private boolean isStored(String agentId, long sequence) {
        for (Partition p : partitions.values()) {
            SequenceSet set = p.existingSequences(agentId);
            if (set != null && set.contains(sequence)) return true;
        }
        return false;
    }

    /** The partition of a day, created on first use. Caller holds the read lock. */
    private Partition partition(LocalDate day) throws IOException {
        Partition existing = partitions.get(day);
        if (existing != null) return existing;
        synchronized (partitions) {
            existing = partitions.get(day);
            if (existing != null) return existing;
            Partition created = Partition.open(day, root.resolve(day.toString()), options);
            partitions.put(day, created);
            return created;
        }
    }

    /**
     * While the disk is full, appends are refused; each attempt (and each maintenance run) probes
     * with a small write whether space is free again, and then writes resume.
     */
    private void refuseWhileDiskFull() {
        Health h = health.get();
        if (h.state() != StoreStatus.State.DISK_FULL) return;
        IOException failure = probe();
        if (failure != null) throw new StoreUnavailableException(status(), failure);
        health.compareAndSet(h, new Health(StoreStatus.State.OK, "", clock.instant()));
    }

    /** @return null when a small write to the newest partition succeeds, else why it failed */
    private IOException probe() {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            Map.Entry<LocalDate, Partition> newest = partitions.firstEntry();
            if (newest != null) newest.getValue().probe();
            return null;
        } catch (IOException e) {
            return e;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public void commit() {
        refuseWhileDiskFull();
        List<Partition> failed = new ArrayList<>();
        Exception failure = null;
        long began = System.nanoTime();
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            for (Partition p : partitions.values()) {
                try {
                    p.commit();
                } catch (IOException | AlreadyClosedException e) {
                    failed.add(p);
                    failure = e;
                }
            }
        } finally {
            lifecycle.readLock().unlock();
        }
        if (failure != null) throw writeFailed(failed, failure);
        lastCommitNanos = System.nanoTime();
        searchable.refreshed(began);
        Health h = health.get();
        if (h.state() != StoreStatus.State.OK) health.set(new Health(StoreStatus.State.OK, "", clock.instant()));
    }

    /** Records the failure, brings the failed partitions back to their last commit, and says so. */
    private StoreUnavailableException writeFailed(List<Partition> failed, Exception failure) {
        boolean full = DiskErrors.isDiskFull(failure);
        String detail = (full ? "disk full under " + root + ": events since the last commit were not stored; free space and send them again"
                : "write failed under " + root + ": " + failure) ;
        health.set(new Health(full ? StoreStatus.State.DISK_FULL : StoreStatus.State.FAILED, detail, clock.instant()));
        lifecycle.writeLock().lock();
        try {
            for (Partition p : failed) {
                try {
                    p.recover();
                } catch (IOException | RuntimeException e) {
                    failure.addSuppressed(e);
                    partitions.remove(p.day(), p);
                }
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
        return new StoreUnavailableException(status(), failure);
    }

    // ---------------------------------------------------------------- reading

    @Override
    public Page search(EventQuery query) {
        Instant[] window = LuceneQueries.window(query);
        SortPosition after = query.after();
        if (after != null && (window[1] == null || after.timestamp().plusNanos(1).isBefore(window[1]))) {
            window[1] = after.timestamp().plusNanos(1);
        }
        org.apache.lucene.search.Query lucene = LuceneQueries.of(query, query.from(), query.to());
        lifecycle.readLock().lock();
        try (PartitionView view = view(window[0], window[1])) {
            if (view.isEmpty()) return new Page(List.of(), null);
            IndexSearcher searcher = view.searcher();
            int n = query.limit() + 1;
            TopDocs top = after == null ? searcher.search(lucene, n, IndexLayout.NEWEST_FIRST)
                    : searcher.searchAfter(new FieldDoc(searcher.getIndexReader().maxDoc() - 1, Float.NaN, new Object[]{
                    Nanos.of(after.timestamp()), after.sequence(), new BytesRef(after.agentId())}),
                    lucene, n, IndexLayout.NEWEST_FIRST);
            int count = Math.min(query.limit(), top.scoreDocs.length);
            FieldDoc[] sorted = java.util.Arrays.copyOf(top.scoreDocs, top.scoreDocs.length, FieldDoc[].class);
            Event[] events = HitReader.read(searcher.getIndexReader(), sorted, count);
            List<Hit> hits = new ArrayList<>(count);
            for (int i = 0; i < count; i++) hits.add(new Hit(events[i], position((FieldDoc) top.scoreDocs[i])));
            SortPosition next = top.scoreDocs.length > query.limit() ? hits.getLast().position() : null;
            return new Page(hits, next);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private static SortPosition position(FieldDoc doc) {
        return new SortPosition(Nanos.toInstant((Long) doc.fields[0]), (Long) doc.fields[1],
                ((BytesRef) doc.fields[2]).utf8ToString());
    }

    @Override
    public long count(EventQuery query) {
        Instant[] window = LuceneQueries.window(query);
        org.apache.lucene.search.Query lucene = LuceneQueries.of(query, query.from(), query.to());
        lifecycle.readLock().lock();
        try (PartitionView view = view(window[0], window[1])) {
            return view.isEmpty() ? 0 : view.searcher().count(lucene);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public Terms terms(EventQuery query, String field, int size) {
        if (size < 1) throw new IllegalArgumentException("size must be positive but is " + size);
        FieldSpec spec = EventSchema.field(field).filter(FieldSpec::aggregatable)
                .filter(f -> !f.name().equals(EventSchema.TIMESTAMP))
                .orElseThrow(() -> new IllegalArgumentException("cannot group by '" + field + "'; fields that can be grouped by: "
                        + EventSchema.fields().values().stream().filter(FieldSpec::aggregatable)
                        .map(FieldSpec::name).filter(n -> !n.equals(EventSchema.TIMESTAMP)).toList()));
        Instant[] window = LuceneQueries.window(query);
        org.apache.lucene.search.Query lucene = LuceneQueries.of(query, query.from(), query.to());
        Map<String, Long> counts;
        lifecycle.readLock().lock();
        try (PartitionView view = view(window[0], window[1])) {
            counts = view.isEmpty() ? Map.of()
                    : view.searcher().search(lucene, TermsCounter.manager(field, spec.type() == dev.kiroku.store.FieldType.LONG));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lifecycle.readLock().unlock();
        }
        List<TermCount> all = counts.entrySet().stream()
                .map(en -> new TermCount(en.getKey(), en.getValue()))
                .sorted(Comparator.comparingLong(TermCount::count).reversed().thenComparing(TermCount::value))
                .toList();
        List<TermCount> top = all.subList(0, Math.min(size, all.size()));
        long other = all.stream().skip(top.size()).mapToLong(TermCount::count).sum();
        return new Terms(field, top, other);
    }

    @Override
    public List<HistogramBucket> histogram(EventQuery query, Duration interval) {
        if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("interval must be positive: " + interval);
        long intervalNanos = interval.toNanos();
        Instant[] window = LuceneQueries.window(query);
        org.apache.lucene.search.Query lucene = LuceneQueries.of(query, query.from(), query.to());
        TreeMap<Long, Long> counts;
        lifecycle.readLock().lock();
        try (PartitionView view = view(window[0], window[1])) {
            counts = view.isEmpty() ? new TreeMap<>() : view.searcher().search(lucene, HistogramCounter.manager(intervalNanos));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lifecycle.readLock().unlock();
        }
        List<HistogramBucket> buckets = new ArrayList<>(counts.size());
        counts.forEach((start, count) -> buckets.add(new HistogramBucket(Nanos.toInstant(start), count)));
        return buckets;
    }

    /** Partitions whose day overlaps {@code [from, to)}, newest first. Caller holds the read lock. */
    private PartitionView view(Instant from, Instant to) {
        ensureOpen();
        NavigableMap<LocalDate, Partition> selected = partitions;
        if (to != null) {
            LocalDate last = LocalDate.ofInstant(Nanos.toInstant(Nanos.of(to) - 1), ZoneOffset.UTC);
            selected = selected.tailMap(last, true);
        }
        if (from != null) {
            LocalDate first = LocalDate.ofInstant(Nanos.toInstant(Nanos.of(from)), ZoneOffset.UTC);
            selected = selected.headMap(first, true);
        }
        return new PartitionView(new ArrayList<>(selected.values()));
    }

    @Override
    public SequenceGaps sequenceGaps(String agentId, long from, long to) {
        if (to < from) throw new IllegalArgumentException("empty sequence range " + from + ".." + to);
        TreeMap<Long, Long> merged = new TreeMap<>();
        for (Partition p : partitions.values()) {
            SequenceSet set = p.existingSequences(agentId);
            if (set == null) continue;
            for (SequenceRange r : set.ranges()) merged.merge(r.first(), r.last(), Math::max);
        }
        if (merged.isEmpty()) return new SequenceGaps(agentId, from, to, 0, 0, 0, List.of());
        long lowest = merged.firstKey();
        long highest = merged.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        long end = Math.min(to, highest);
        List<SequenceRange> missing = new ArrayList<>();
        long storedInRange = 0;
        long cursor = from;
        for (Map.Entry<Long, Long> r : merged.entrySet()) {
            long first = Math.max(r.getKey(), from);
            long last = Math.min(r.getValue(), end);
            if (r.getValue() < cursor) continue;
            if (first > end) break;
            if (first > cursor) missing.add(new SequenceRange(cursor, first - 1));
            if (last >= first) storedInRange += last - Math.max(first, cursor) + 1;
            cursor = Math.max(cursor, last + 1);
        }
        if (cursor <= end) missing.add(new SequenceRange(cursor, end));
        return new SequenceGaps(agentId, from, to, lowest, highest, storedInRange, missing);
    }

    // ---------------------------------------------------------------- retention and lifecycle

    /** How long events are kept; null keeps everything. */
    public Duration retention() {
        return retention;
    }

    /** Changes how long events are kept, from the next append and maintenance run on; null keeps everything. */
    public void retention(Duration newRetention) {
        if (newRetention != null && (newRetention.isNegative() || newRetention.isZero())) {
            throw new IllegalArgumentException("retention must be positive: " + newRetention);
        }
        retention = newRetention;
    }

    /** The oldest day retention keeps, or null when everything is kept. */
    private LocalDate oldestKeptDay() {
        Duration kept = retention;
        if (kept == null) return null;
        Instant cutoff = clock.instant().minus(kept);
        LocalDate cutoffDay = LocalDate.ofInstant(cutoff, ZoneOffset.UTC);
        return cutoffDay;
    }

    @Override
    public List<LocalDate> deleteBefore(Instant cutoff) {
        List<LocalDate> deleted = new ArrayList<>();
        lifecycle.writeLock().lock();
        try {
            ensureOpen();
            for (Partition p : List.copyOf(partitions.values())) {
                Instant end = p.day().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
                if (end.isAfter(cutoff)) continue;
                partitions.remove(p.day());
                try {
                    p.delete();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete partition " + p.day() + " under " + root, e);
                }
                deleted.add(p.day());
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
        return deleted.reversed();
    }

    private void maintain() {
        if (closed) return;
        try {
            if (health.get().state() == StoreStatus.State.DISK_FULL) {
                Health h = health.get();
                if (probe() == null) health.compareAndSet(h, new Health(StoreStatus.State.OK, "", clock.instant()));
            }
            Partition failed = null;
            Exception failure = null;
            lifecycle.readLock().lock();
            try {
                if (closed) return;
                boolean newest = true;
                long idle = Math.max(Duration.ofSeconds(5).toNanos(), 2 * options.refreshInterval().toNanos());
                // A commit refreshes too: while commits come more often than refreshes (a server under
                // ingest), a refresh in between would only flush one more small segment.
                boolean refresh = System.nanoTime() - lastCommitNanos >= options.refreshInterval().toNanos();
                long began = System.nanoTime();
                boolean refreshedAll = refresh;
                for (Partition p : partitions.values()) {
                    try {
                        if (refresh) refreshedAll &= p.refresh();
                        if (!newest) p.compactIfIdle(idle);
                        newest = false;
                    } catch (IOException | AlreadyClosedException e) {
                        // a refresh flushes buffered events: the same failure as an append's
                        failed = p;
                        failure = e;
                        break;
                    }
                }
                if (refreshedAll && failure == null) searchable.refreshed(began);
            } finally {
                lifecycle.readLock().unlock();
            }
            if (failure != null) throw writeFailed(List.of(failed), failure);
            if (System.nanoTime() - lastCommitNanos >= options.commitInterval().toNanos()) commit();
            Duration kept = retention;
            if (kept != null) deleteBefore(clock.instant().minus(kept));
        } catch (StoreUnavailableException e) {
            // already recorded in the health
        } catch (RuntimeException e) {
            if (!closed) health.set(new Health(StoreStatus.State.FAILED, "maintenance failed: " + e, clock.instant()));
        }
    }

    @Override
    public StoreStatus status() {
        Health h = health.get();
        lifecycle.readLock().lock();
        try {
            long bytes = 0;
            for (Partition p : partitions.values()) bytes += p.diskBytes();
            return new StoreStatus(h.state(), h.detail(), h.since(),
                    partitions.isEmpty() ? null : partitions.lastKey(),
                    partitions.isEmpty() ? null : partitions.firstKey(), partitions.size(), bytes);
        } catch (UncheckedIOException e) {
            return new StoreStatus(h.state(), h.detail(), h.since(), null, null, partitions.size(), -1);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Documents per partition (UTC day), newest first; for diagnostics and benchmarks. */
    public Map<LocalDate, Long> documentsPerDay() {
        Map<LocalDate, Long> out = new LinkedHashMap<>();
        partitions.forEach((day, p) -> out.put(day, p.documents()));
        return out;
    }

    /**
     * Merges each day older than the newest that this store has written into one segment now, as
     * the maintenance thread does once such a day has been idle, and waits (also for a compaction
     * already under way); for benchmarks, which measure a store whose closed days are compacted
     * whether or not the maintenance thread got to them during the ingest.
     */
    public void compactClosedDays() {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            boolean newest = true;
            for (Partition p : partitions.values()) {
                if (!newest) p.compactNow();
                newest = false;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("compacting the event store at " + root, e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("event store at " + root + " is closed");
    }

    /** Completes at the next refresh or commit that begins after this call (the maintenance thread's, every refresh interval). */
    @Override
    public CompletableFuture<Void> whenSearchable() {
        if (closed) return CompletableFuture.completedFuture(null);
        return searchable.await();
    }

    @Override
    public void close() {
        maintenance.shutdown();
        indexing.close();
        try {
            maintenance.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lifecycle.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            IOException first = null;
            for (Partition p : partitions.values()) {
                try {
                    p.close();
                } catch (IOException e) {
                    if (first == null) first = e;
                }
            }
            partitions.clear();
            searchable.release();
            if (first != null) throw new UncheckedIOException("closing event store at " + root, first);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private static void closeQuietly(Partition p) {
        try {
            p.close();
        } catch (IOException | RuntimeException ignored) {
            // closing after a failed open; the open failure is what is reported
        }
    }
}
