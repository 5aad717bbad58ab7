package dev.kiroku.bench.investigate;

import dev.kiroku.fleet.state.EmbeddedH2;
import dev.kiroku.investigate.index.ProcessRecordTable;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;

import org.h2.jdbcx.JdbcConnectionPool;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The simulated fleet's store and the investigation database beside it, built once and reused: building 10 M events
 * takes many minutes, the queries measured take milliseconds. The opt-in process record index (not used by the server)
 * is fed only with {@code -Dkiroku.bench.processIndex=true}: feeding it costs far more than the store's own ingest (a
 * 10 M build did not finish in 80 minutes with it). With it, a reused store whose index is missing gets it built from
 * the store. A store counts as built only once {@value #MARKER} is written after its final commit; anything
 * else in the directory is deleted and rebuilt. The fleet is seeded, so the planted chains are regenerated (without
 * storing) from the start time the marker records.
 */
final class CachedFleetStore {
    static final String MARKER = "fleet.properties";
    static final boolean WITH_PROCESS_INDEX = Boolean.getBoolean("kiroku.bench.processIndex");

    private final Path directory;

    CachedFleetStore(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    /**
     * The store, the investigation database with the process record index, and the fleet; closing closes both (the
     * files stay for the next run).
     *
     * @param indexSeconds how long feeding the index with the batches (new store) or building it from the store took
     */
    record Opened(LuceneEventStore store, JdbcConnectionPool database, ProcessRecordTable processes, SimulatedFleet fleet,
                  Instant start, double ingestSeconds, boolean reused, double indexSeconds, boolean indexRebuilt)
            implements AutoCloseable {
        @Override
        public void close() {
            database.dispose();
            store.close();
        }
    }

    Opened open(InstantSource clock, int endpoints, long events, int chains) {
        Properties built = readMarker();
        if (built == null) deleteTree(directory);
        LuceneEventStore store = new LuceneEventStore(directory.resolve("events"), clock, options());
        JdbcConnectionPool database = JdbcConnectionPool.create(EmbeddedH2.url(directory.resolve("investigation/kiroku-investigation"), ";CACHE_SIZE=131072"), "sa", "");
        try {
            ProcessRecordTable processes = new ProcessRecordTable(database, clock);
            if (built != null) {
                Instant start = Instant.parse(built.getProperty("start"));
                SimulatedFleet fleet = new SimulatedFleet(endpoints, events, chains, start);
                fleet.generate(batch -> { });
                boolean rebuild = WITH_PROCESS_INDEX && !processes.complete();
                long t0 = System.nanoTime();
                if (rebuild) processes.rebuildFrom(store, clock);
                return new Opened(store, database, processes, fleet, start, Double.parseDouble(built.getProperty("ingest_seconds")), true,
                        rebuild ? (System.nanoTime() - t0) / 1e9 : Double.parseDouble(built.getProperty("index_seconds", "0")), rebuild);
            }
            Instant start = clock.instant().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
            SimulatedFleet fleet = new SimulatedFleet(endpoints, events, chains, start);
            long[] indexNanos = {0};
            long t0 = System.nanoTime();
            fleet.generate(batch -> {
                store.append(batch);
                if (!WITH_PROCESS_INDEX) return;
                long t = System.nanoTime();
                processes.ingest(batch);
                indexNanos[0] += System.nanoTime() - t;
            });
            store.commit();
            if (WITH_PROCESS_INDEX) processes.markComplete();
            double seconds = (System.nanoTime() - t0 - indexNanos[0]) / 1e9;
            writeMarker(start, seconds, indexNanos[0] / 1e9, fleet.events());
            return new Opened(store, database, processes, fleet, start, seconds, false, indexNanos[0] / 1e9, false);
        } catch (RuntimeException e) {
            database.dispose();
            store.close();
            throw e;
        }
    }

    private static LuceneStoreOptions options() {
        return LuceneStoreOptions.defaults().withRamBufferMb(256);
    }

    private Properties readMarker() {
        Path marker = directory.resolve(MARKER);
        if (!Files.isRegularFile(marker)) return null;
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(marker)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + marker, e);
        }
        return p.getProperty("start") != null && p.getProperty("ingest_seconds") != null ? p : null;
    }

    private void writeMarker(Instant start, double seconds, double indexSeconds, long events) {
        Properties p = new Properties();
        p.setProperty("start", start.toString());
        p.setProperty("ingest_seconds", String.valueOf(seconds));
        p.setProperty("index_seconds", String.valueOf(indexSeconds));
        p.setProperty("events", String.valueOf(events));
        try (Writer out = Files.newBufferedWriter(directory.resolve(MARKER))) {
            p.store(out, "kiroku bench investigate: simulated fleet store, complete");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the store marker in " + directory, e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }
}
