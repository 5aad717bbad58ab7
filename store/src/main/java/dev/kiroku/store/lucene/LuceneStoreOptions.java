package dev.kiroku.store.lucene;

import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link LuceneEventStore}.
 *
 * @param retention          events older than this are deleted, a whole UTC day at a time; null keeps all
 * @param refreshInterval    how often new events become visible to searches, and how often maintenance runs
 * @param commitInterval     how often appended events are made durable without an explicit commit
 * @param ramBufferMb        indexing buffer per partition being written
 * @param bestCompression    DEFLATE stored fields (smaller) instead of LZ4 (faster)
 * @param directories        opens a partition's directory (tests inject failures here)
 */
public record LuceneStoreOptions(Duration retention, Duration refreshInterval, Duration commitInterval,
                                 double ramBufferMb, boolean bestCompression, Directories directories) {
    public LuceneStoreOptions {
        Objects.requireNonNull(refreshInterval, "refreshInterval");
        Objects.requireNonNull(commitInterval, "commitInterval");
        Objects.requireNonNull(directories, "directories");
        if (retention != null && (retention.isNegative() || retention.isZero())) {
            throw new IllegalArgumentException("retention must be positive: " + retention);
        }
    }

    public static LuceneStoreOptions defaults() {
        return new LuceneStoreOptions(null, Duration.ofSeconds(1), Duration.ofSeconds(10), 64, true, FSDirectory::open);
    }

    public LuceneStoreOptions withRetention(Duration newRetention) {
        return new LuceneStoreOptions(newRetention, refreshInterval, commitInterval, ramBufferMb, bestCompression, directories);
    }

    public LuceneStoreOptions withRefreshInterval(Duration interval) {
        return new LuceneStoreOptions(retention, interval, commitInterval, ramBufferMb, bestCompression, directories);
    }

    public LuceneStoreOptions withRamBufferMb(double mb) {
        return new LuceneStoreOptions(retention, refreshInterval, commitInterval, mb, bestCompression, directories);
    }

    public LuceneStoreOptions withBestCompression(boolean best) {
        return new LuceneStoreOptions(retention, refreshInterval, commitInterval, ramBufferMb, best, directories);
    }

    public LuceneStoreOptions withDirectories(Directories newDirectories) {
        return new LuceneStoreOptions(retention, refreshInterval, commitInterval, ramBufferMb, bestCompression, newDirectories);
    }

    /** Opens the Lucene directory of a partition. */
    @FunctionalInterface
    public interface Directories {
        Directory open(Path path) throws IOException;
    }
}
