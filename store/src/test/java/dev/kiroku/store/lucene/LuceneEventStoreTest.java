package dev.kiroku.store.lucene;

import dev.kiroku.store.EventStore;
import dev.kiroku.store.EventStoreContract;

import java.nio.file.Path;
import java.time.InstantSource;

class LuceneEventStoreTest extends EventStoreContract {
    @Override
    protected EventStore open(Path dir, InstantSource clock) {
        return new LuceneEventStore(dir, clock, LuceneStoreOptions.defaults());
    }
}
