package dev.kiroku.server.investigate;

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
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Investigation in the server: the file inventory fed by every stored batch, the investigator over the event
 * store, and incidents that new alerts are grouped into automatically. Grouping needs a root-cause walk (store
 * lookups), so it runs on its own thread behind a bounded queue and never slows detection; alerts that find the
 * queue full are counted and can still be grouped through the API.
 */
public final class InvestigationService implements AutoCloseable {
    private static final int GROUPING_QUEUE = 10_000;
    /**
     * An alert is raised while its batch is being stored; the batch's events become searchable at the store's next
     * refresh (every second). Grouping walks the root cause through searches, so it starts after this delay.
     */
    private static final Duration SEARCHABLE_AFTER = Duration.ofSeconds(2);

    private final JdbcConnectionPool database;
    private final FileInventory inventory;
    private final Incidents incidents;
    private final InvestigationRoutes routes;
    private final ThreadPoolExecutor grouping;
    private final AtomicLong groupingSkipped = new AtomicLong();
    private final AtomicLong groupingFailed = new AtomicLong();

    public InvestigationService(Path directory, EventStore store, AlertStore alerts, InstantSource clock) throws IOException {
        Files.createDirectories(directory);
        database = JdbcConnectionPool.create("jdbc:h2:file:" + directory.resolve("kiroku-investigation") + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "");
        try {
            inventory = new FileInventory(database, clock);
            Investigator investigator = Investigator.over(store, inventory, clock);
            incidents = new Incidents(new IncidentRepository(database, clock), investigator, inventory);
            routes = new InvestigationRoutes(investigator, incidents, id -> alert(alerts, id));
        } catch (RuntimeException e) {
            database.dispose();
            throw e;
        }
        grouping = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(GROUPING_QUEUE),
                Thread.ofPlatform().name("kiroku-incident-grouping").daemon().factory(),
                (task, executor) -> groupingSkipped.incrementAndGet());
    }

    /** Every stored batch: executables and scripts seen go into the file inventory. */
    public void afterStore(List<Event> batch) {
        inventory.ingest(batch);
    }

    /** A newly opened alert joins the incident of its causal root (or opens one), in the background. */
    public void alertOpened(Alert alert) {
        long searchable = System.nanoTime() + SEARCHABLE_AFTER.toNanos();
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

    /** Waits out what is left of the alert's searchable delay (the queue is FIFO, so later alerts wait less). */
    private static void awaitSearchable(long deadlineNanos) {
        for (long left; (left = deadlineNanos - System.nanoTime()) > 0; ) LockSupport.parkNanos(left);
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

    /** Counters for the health of incident grouping. */
    public Map<String, Object> status() {
        return Map.of("grouping_queued", grouping.getQueue().size(), "grouping_skipped", groupingSkipped.get(),
                "grouping_failed", groupingFailed.get());
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
        grouping.shutdown();
        grouping.awaitTermination(10, TimeUnit.SECONDS);
        database.dispose();
    }
}
