package dev.kiroku.server.investigate;

import dev.kiroku.fleet.state.EmbeddedH2;
import dev.kiroku.event.Event;
import dev.kiroku.investigate.api.InvestigationRoutes;
import dev.kiroku.investigate.incident.IncidentRepository;
import dev.kiroku.investigate.incident.Incidents;
import dev.kiroku.investigate.inventory.FileInventory;
import dev.kiroku.investigate.workflow.AlertRef;
import dev.kiroku.investigate.workflow.Investigator;
import dev.kiroku.server.alerts.Alert;
import dev.kiroku.server.alerts.AlertStore;
import dev.kiroku.store.EventStore;
import io.javalin.config.JavalinConfig;
import org.h2.jdbcx.JdbcConnectionPool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Investigation in the server: the file inventory fed by every stored batch, the investigator over the event
 * store, and incidents that new alerts are grouped into automatically. Grouping needs a root-cause walk (store
 * lookups), so it runs on its own thread behind a bounded queue and never slows detection; alerts that find the
 * queue full are counted and can still be grouped through the API.
 */
public final class InvestigationService implements AutoCloseable {
    private static final int GROUPING_QUEUE = 10_000;
    /**
     * An alert is raised once its batch is stored; the batch's events become searchable at the store's next refresh.
     * Grouping walks the root cause through searches, so it waits for that refresh, at most this long (a store that
     * stopped refreshing then gets the alert grouped on what it shows).
     */
    private static final Duration SEARCHABLE_WITHIN = Duration.ofSeconds(30);

    private final JdbcConnectionPool database;
    private final EventStore store;
    private final FileInventory inventory;
    private final InventoryFeed inventoryFeed;
    private final Incidents incidents;
    private final InvestigationRoutes routes;
    private final ThreadPoolExecutor grouping;
    private final AtomicLong groupingSkipped = new AtomicLong();
    private final AtomicLong groupingFailed = new AtomicLong();
    private final AtomicLong searchableLate = new AtomicLong();

    public InvestigationService(Path directory, EventStore store, AlertStore alerts, InstantSource clock) throws IOException {
        Files.createDirectories(directory);
        this.store = store;
        database = JdbcConnectionPool.create(EmbeddedH2.url(directory.resolve("kiroku-investigation")), "sa", "");
        try {
            inventory = new FileInventory(database, clock);
            Investigator investigator = Investigator.over(store, inventory, clock);
            incidents = new Incidents(new IncidentRepository(database, clock), investigator, inventory);
            routes = new InvestigationRoutes(investigator, incidents, id -> alert(alerts, id));
        } catch (RuntimeException e) {
            database.dispose();
            throw e;
        }
        inventoryFeed = new InventoryFeed(inventory::ingest);
        grouping = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(GROUPING_QUEUE),
                Thread.ofPlatform().name("kiroku-incident-grouping").daemon().factory(),
                (task, executor) -> groupingSkipped.incrementAndGet());
    }

    /** Every stored batch: executables and scripts seen go into the file inventory (written in the background). */
    public void afterStore(List<Event> batch) {
        inventoryFeed.accept(batch);
    }

    /** A newly opened alert joins the incident of its causal root (or opens one), in the background. */
    public void alertOpened(Alert alert) {
        CompletableFuture<Void> searchable = store.whenSearchable();
        grouping.execute(() -> {
            try {
                awaitSearchable(searchable);
                incidents.raise(reference(alert));
            } catch (RuntimeException e) {
                groupingFailed.incrementAndGet();
                System.err.println("kiroku investigation: could not group alert " + alert.id() + " into an incident: " + e);
            }
        });
    }

    /** Waits until the alert's events are searchable (the queue is FIFO, so later alerts mostly find it done). */
    private void awaitSearchable(CompletableFuture<Void> searchable) {
        try {
            searchable.get(SEARCHABLE_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            searchableLate.incrementAndGet();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the event store failed before the alert's events became searchable", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void register(JavalinConfig config) {
        routes.register(config);
    }

    public FileInventory inventory() {
        return inventory;
    }

    public Incidents incidents() {
        return incidents;
    }

    /** Counters for the health of incident grouping and of the inventory's feed. */
    public Map<String, Object> status() {
        return Map.of("grouping_queued", grouping.getQueue().size(), "grouping_skipped", groupingSkipped.get(),
                "grouping_failed", groupingFailed.get(), "grouping_before_searchable", searchableLate.get(),
                "inventory_batches_queued", inventoryFeed.queued(), "inventory_writes", inventoryFeed.writes(),
                "inventory_failed_batches", inventoryFeed.failedBatches());
    }

    private static Optional<AlertRef> alert(AlertStore alerts, String id) {
        long number;
        try {
            number = Long.parseLong(id.trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return alerts.get(number).map(InvestigationService::reference);
    }

    static AlertRef reference(Alert a) {
        return new AlertRef(String.valueOf(a.id()), a.rule().id(), a.rule().title(), a.rule().level(), a.agentId(),
                a.hostName(), a.processEntityId(), a.firstSeen(), a.events());
    }

    @Override
    public void close() throws InterruptedException {
        inventoryFeed.close();
        grouping.shutdown();
        grouping.awaitTermination(10, TimeUnit.SECONDS);
        database.dispose();
    }
}
