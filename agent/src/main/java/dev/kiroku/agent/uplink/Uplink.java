package dev.kiroku.agent.uplink;

import dev.kiroku.agent.Agent;
import dev.kiroku.agent.command.CommandRegistry;
import dev.kiroku.agent.inventory.InventoryProbe;
import dev.kiroku.agent.policy.Policy;
import dev.kiroku.event.EventSink;
import dev.kiroku.fleet.client.FleetClient;
import dev.kiroku.fleet.proto.Command;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's control channel: it keeps the server's command push ({@code Listen}) open, so a command
 * reaches it within milliseconds of being issued, and every interval (and at once when asked) it
 * reports inventory and counters in a heartbeat whose answer also carries waiting commands (the
 * fallback while the push is down). Commands run one at a time through the {@link CommandRegistry} and
 * their results are returned. A failed heartbeat or a broken push is retried with backoff and jitter;
 * commands the server handed out survive on the server until their results arrive, so none is lost
 * while the link is down.
 */
public final class Uplink implements AutoCloseable {
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Agent agent;
    private final FleetClient client;
    private final InventoryProbe probe;
    private final CommandRegistry commands;
    private final Duration interval;
    private final String scope;
    private final InstantSource clock;
    private final Thread thread;
    private final Thread listener;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("kiroku-commands").daemon().factory());
    /** Long-running commands (scans), one at a time, so that heartbeats and quick commands never wait for them. */
    private final ExecutorService longRunning = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("kiroku-uplink-scans").daemon().factory());
    private final AtomicLong pushed = new AtomicLong();
    private final Object wake = new Object();
    private final AtomicLong heartbeats = new AtomicLong();
    private final AtomicLong commandsRun = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean refresh;
    private volatile String lastError = "";

    public Uplink(Agent agent, FleetClient client, InventoryProbe probe, Duration interval, String scope, InstantSource clock) {
        this.agent = agent;
        this.client = client;
        this.probe = probe;
        this.interval = interval;
        this.scope = scope;
        this.clock = clock;
        this.commands = new CommandRegistry();
        BuiltinCommands.register(commands, agent, this);
        this.thread = Thread.ofPlatform().name("kiroku-uplink").daemon().unstarted(this::run);
        this.listener = Thread.ofPlatform().name("kiroku-listen").daemon().unstarted(this::listen);
    }

    /** Where later work registers its command handlers (before {@link #start()}). */
    public CommandRegistry commands() {
        return commands;
    }

    public void start() {
        thread.start();
        listener.start();
    }

    /** Sends a heartbeat now instead of at the next interval. */
    public void refreshSoon() {
        refresh = true;
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void run() {
        Duration backoff = Duration.ofMillis(500);
        while (running) {
            Duration wait = interval;
            try {
                Policy policy = agent.policy();
                for (Command command : client.heartbeat(probe.collect(agent.status(), policy.version(), scope))) {
                    submit(command);
                }
                heartbeats.incrementAndGet();
                lastError = "";
                backoff = Duration.ofMillis(500);
            } catch (EventSink.DeliveryException | RuntimeException e) {
                lastError = e.getMessage();
                wait = jitter(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
            pause(wait);
        }
    }

    /** Keeps the command push open; a broken call is reopened after a backoff. */
    private void listen() {
        Duration backoff = Duration.ofMillis(500);
        while (running) {
            CompletableFuture<String> ended = new CompletableFuture<>();
            long openedAt = System.nanoTime();
            try (AutoCloseable call = client.listen(command -> {
                pushed.incrementAndGet();
                submit(command);
            }, reason -> ended.complete(reason == null ? "closed by the server" : reason))) {
                String reason = waitFor(ended);
                if (reason != null && running) lastError = "command push: " + reason;
            } catch (Exception e) {
                if (running) lastError = "command push: " + e;
            }
            if (client.revoked()) return;
            // A call that stayed open a while was healthy: start the backoff again from the bottom.
            if (System.nanoTime() - openedAt > Duration.ofSeconds(30).toNanos()) backoff = Duration.ofMillis(500);
            pauseListening(jitter(backoff));
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private String waitFor(CompletableFuture<String> ended) {
        while (running) {
            try {
                return ended.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                // still open; look at running again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (ExecutionException e) {
                return e.getCause().toString();
            }
        }
        return null;
    }

    private void pauseListening(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void submit(Command command) {
        try {
            (commands.longRunning(command.getType()) ? longRunning : runner).execute(() -> execute(command));
        } catch (RejectedExecutionException e) {
            // Stopping: the server keeps the command as delivered without result; it is not run twice.
        }
    }

    private void execute(Command command) {
        CommandRegistry.Outcome outcome = Instant.ofEpochMilli(command.getExpiresMs()).isBefore(clock.instant())
                ? new CommandRegistry.Outcome(false, "expired before it reached the agent")
                : commands.run(command.getType(), Map.copyOf(command.getParametersMap()), progress -> reportProgress(command, progress));
        commandsRun.incrementAndGet();
        // The result is retried here; the server keeps the command marked delivered until it arrives.
        Duration backoff = Duration.ofMillis(500);
        while (running) {
            try {
                client.report(command.getId(), outcome.success(), outcome.output());
                return;
            } catch (EventSink.DeliveryException e) {
                if (e.getMessage().contains("NOT_FOUND") || client.revoked()) return;
                lastError = "reporting command " + command.getId() + ": " + e.getMessage();
                pause(jitter(backoff));
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** Progress is best effort: a lost report is replaced by the next one or by the result. */
    private void reportProgress(Command command, String progress) {
        try {
            client.progress(command.getId(), progress);
        } catch (EventSink.DeliveryException e) {
            lastError = "reporting progress of command " + command.getId() + ": " + e.getMessage();
        }
    }

    private void pause(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        synchronized (wake) {
            while (running && !refresh) {
                long left = until - System.nanoTime();
                if (left <= 0) break;
                try {
                    wake.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            refresh = false;
        }
    }

    private static Duration jitter(Duration backoff) {
        long millis = backoff.toMillis();
        return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
    }

    public long heartbeats() {
        return heartbeats.get();
    }

    /** Commands that arrived over the push rather than with a heartbeat. */
    public long commandsPushed() {
        return pushed.get();
    }

    public long commandsRun() {
        return commandsRun.get();
    }

    public String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        running = false;
        synchronized (wake) {
            wake.notifyAll();
        }
        longRunning.shutdownNow();
        thread.interrupt();
        listener.interrupt();
        runner.shutdown();
        try {
            thread.join(5000);
            listener.join(5000);
            runner.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
