package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.MutableClock;
import dev.kiroku.store.StoreStatus;
import dev.kiroku.store.StoreUnavailableException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.kiroku.store.TestEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiskFullTest {
    private static final Instant T0 = Instant.parse("2025-03-10T12:00:00Z");

    @TempDir
    Path dir;

    /** Every file write fails with ENOSPC's message while armed. */
    static final class FullDisk extends FilterDirectory {
        private final AtomicBoolean full;

        FullDisk(Directory in, AtomicBoolean full) {
            super(in);
            this.full = full;
        }

        @Override
        public IndexOutput createOutput(String name, IOContext context) throws IOException {
            return wrap(super.createOutput(name, context));
        }

        @Override
        public IndexOutput createTempOutput(String prefix, String suffix, IOContext context) throws IOException {
            return wrap(super.createTempOutput(prefix, suffix, context));
        }

        private IndexOutput wrap(IndexOutput out) {
            return new IndexOutput(out.toString(), out.getName()) {
                private void check() throws IOException {
                    if (full.get()) throw new IOException("No space left on device");
                }

                @Override
                public void writeByte(byte b) throws IOException {
                    check();
                    out.writeByte(b);
                }

                @Override
                public void writeBytes(byte[] b, int offset, int length) throws IOException {
                    check();
                    out.writeBytes(b, offset, length);
                }

                @Override
                public long getFilePointer() {
                    return out.getFilePointer();
                }

                @Override
                public long getChecksum() throws IOException {
                    return out.getChecksum();
                }

                @Override
                public void close() throws IOException {
                    out.close();
                }
            };
        }
    }

    private static List<Event> events(long from, long to) {
        List<Event> events = new ArrayList<>();
        for (long s = from; s <= to; s++) events.add(exec("a1", s, T0.plusSeconds(s), "web-1", "/usr/bin/curl", "curl", "-s" + s));
        return events;
    }

    @Test
    void a_full_disk_refuses_writes_keeps_what_was_committed_and_writes_resume_when_space_is_free() {
        AtomicBoolean full = new AtomicBoolean();
        MutableClock clock = new MutableClock(T0.plusSeconds(3600));
        LuceneStoreOptions options = LuceneStoreOptions.defaults().withDirectories(path -> new FullDisk(FSDirectory.open(path), full));
        try (LuceneEventStore store = new LuceneEventStore(dir, clock, options)) {
            assertThat(store.append(events(1, 5)).stored()).isEqualTo(5);
            store.commit();

            full.set(true);
            // Appends are buffered in memory; the commit that must write them fails.
            assertThatThrownBy(() -> {
                store.append(events(6, 8));
                store.commit();
            }).isInstanceOfSatisfying(StoreUnavailableException.class,
                    e -> assertThat(e.status().state()).isEqualTo(StoreStatus.State.DISK_FULL));
            StoreStatus status = store.status();
            assertThat(status.state()).isEqualTo(StoreStatus.State.DISK_FULL);
            assertThat(status.detail()).contains("disk full").contains(dir.toString()).contains("send them again");

            // Refused while the disk is full; what was committed stays searchable.
            assertThatThrownBy(() -> store.append(events(6, 8)))
                    .isInstanceOfSatisfying(StoreUnavailableException.class,
                            e -> assertThat(e.status().state()).isEqualTo(StoreStatus.State.DISK_FULL));
            assertThatThrownBy(store::commit).isInstanceOf(StoreUnavailableException.class);
            assertThat(store.count(EventQuery.all())).isEqualTo(5);
            assertThat(store.search(EventQuery.parse("process.command_line:s3", clock)).hits()).hasSize(1);
            assertThat(store.sequenceGaps("a1", 1, 8).highestStored()).isEqualTo(5);

            // Space is free again: the events that were not acknowledged by a commit are sent again and stored.
            full.set(false);
            var again = store.append(events(6, 8));
            assertThat(again.stored()).isEqualTo(3);
            assertThat(again.duplicates()).isZero();
            store.commit();
            assertThat(store.status().state()).isEqualTo(StoreStatus.State.OK);
            assertThat(store.count(EventQuery.all())).isEqualTo(8);
        }
        // and all of it is durable
        try (LuceneEventStore reopened = new LuceneEventStore(dir, new MutableClock(T0.plusSeconds(3600)), LuceneStoreOptions.defaults())) {
            assertThat(reopened.count(EventQuery.all())).isEqualTo(8);
            assertThat(reopened.append(events(1, 8)).duplicates()).isEqualTo(8);
        }
    }
}
