package dev.kiroku.sandbox.detonate;

import dev.kiroku.event.Event;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The event stream of a Kiroku agent already recording this machine, for detonations to take the
 * sample's behaviour from instead of starting a second agent. The server feeds it every stored
 * batch and {@linkplain #attach() attaches} it when an agent runs in its own process (the demo); a
 * detonation then opens a window, collects what arrives while the sample runs, and keeps the events
 * of the sandbox's processes ({@link SandboxScope}). Nothing is buffered while no window is open.
 */
public final class LiveEvents implements Consumer<List<Event>> {
    /** Events kept per window at most; beyond that the window is marked as cut short. */
    static final int WINDOW_CAPACITY = 500_000;

    private final List<Window> windows = new CopyOnWriteArrayList<>();
    private volatile boolean attached;

    /** Says that an agent on this machine delivers its events here: detonations will use them. */
    public void attach() {
        attached = true;
    }

    public boolean attached() {
        return attached;
    }

    @Override
    public void accept(List<Event> batch) {
        for (Window w : windows) w.add(batch);
    }

    Window open() {
        Window w = new Window();
        windows.add(w);
        return w;
    }

    /** What arrived between {@link #open()} and {@link #close()}. */
    final class Window implements AutoCloseable {
        private final List<Event> events = new ArrayList<>();
        private boolean cutShort;

        private synchronized void add(List<Event> batch) {
            for (Event e : batch) {
                if (events.size() >= WINDOW_CAPACITY) {
                    cutShort = true;
                    return;
                }
                events.add(e);
            }
            notifyAll();
        }

        synchronized List<Event> events() {
            return List.copyOf(events);
        }

        /** What arrived, for a report line: how many events and how far the newest lags behind {@code now}. */
        synchronized String describe(java.time.Instant now) {
            if (events.isEmpty()) return "no event arrived from any agent while the window was open";
            java.time.Instant newest = events.stream().map(Event::timestamp).max(java.util.Comparator.naturalOrder()).orElseThrow();
            return events.size() + " events arrived, the newest recorded " + java.time.Duration.between(newest, now).toMillis()
                    + " ms before the sandbox ended";
        }

        synchronized boolean cutShort() {
            return cutShort;
        }

        /** Waits until an event matching {@code until} has arrived, at most {@code millis}; true if it did. */
        synchronized boolean awaitEvent(java.util.function.Predicate<Event> until, long millis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + millis;
            int checked = 0;
            while (true) {
                for (; checked < events.size(); checked++) if (until.test(events.get(checked))) return true;
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) return false;
                wait(left);
            }
        }

        @Override
        public void close() {
            windows.remove(this);
        }
    }
}
