package dev.kiroku.server.investigate;

import dev.kiroku.event.Event;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Feeds stored batches to the file inventory on its own thread, off the agents' acknowledgement path: the batches that
 * queued while one write ran go into the next write together (one prepared statement and one transaction for many
 * agents' calls instead of one per call). The queue is bounded: when the inventory falls that far behind, the stored
 * batches wait for room, as detection's do. Sightings become visible once written, at most one write later.
 */
final class InventoryFeed implements AutoCloseable {
    private static final int QUEUED_BATCHES = 1_024;
    private static final List<Event> END = new ArrayList<>();

    private final Consumer<List<Event>> inventory;
    private final BlockingQueue<List<Event>> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
    private final Thread writer;
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();

    /** @param inventory takes the events of the gathered batches (the file inventory's {@code ingest}) */
    InventoryFeed(Consumer<List<Event>> inventory) {
        this.inventory = inventory;
        this.writer = Thread.ofPlatform().name("kiroku-inventory-feed").daemon().start(this::run);
    }

    /** Queues a stored batch; waits while the queue is full (a caller interrupted meanwhile counts it as failed). */
    void accept(List<Event> batch) {
        try {
            queue.put(batch);
        } catch (InterruptedException e) {
            failedBatches.incrementAndGet();
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<List<Event>> taken = new ArrayList<>();
        boolean ending = false;
        while (!ending) {
            try {
                taken.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(taken);
            int end = indexOfEnd(taken);
            ending = end >= 0;
            write(ending ? taken.subList(0, end) : taken);
            taken.clear();
        }
    }

    private static int indexOfEnd(List<List<Event>> batches) {
        for (int i = 0; i < batches.size(); i++) if (batches.get(i) == END) return i;
        return -1;
    }

    private void write(List<List<Event>> batches) {
        if (batches.isEmpty()) return;
        List<Event> events = new ArrayList<>();
        for (List<Event> batch : batches) events.addAll(batch);
        try {
            inventory.accept(events);
            writes.incrementAndGet();
        } catch (RuntimeException e) {
            failedBatches.addAndGet(batches.size());
            System.err.println("kiroku investigation: could not record the inventory sightings of " + batches.size()
                    + " stored batches: " + e.getMessage());
        }
    }

    /** Batches waiting for their sightings to be written. */
    int queued() {
        return queue.size();
    }

    /** Writes made (each covering every batch queued meanwhile). */
    long writes() {
        return writes.get();
    }

    /** Batches whose sightings could not be written (the inventory's database refused them, or their caller was interrupted). */
    long failedBatches() {
        return failedBatches.get();
    }

    /** Writes what is queued, then stops the thread. */
    @Override
    public void close() throws InterruptedException {
        queue.put(END);
        writer.join(10_000);
    }
}
