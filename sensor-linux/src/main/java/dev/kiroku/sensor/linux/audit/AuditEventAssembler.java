package dev.kiroku.sensor.linux.audit;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Groups records by serial into events and hands each finished event to the mapper. An event
 * ends at its EOE record; user-space records (which never get EOE) end at once; anything else
 * ends when no record for it arrived within the timeout, or when too many events are open (the
 * oldest is then finished early and counted in {@link #evicted()}). Single-threaded.
 */
public final class AuditEventAssembler {

    private final Consumer<AuditActivity> sink;
    private final long timeoutNanos;
    private final int maxOpenEvents;
    private final LinkedHashMap<Long, Open> open = new LinkedHashMap<>(256, 0.75f, false);
    private long evicted;
    private long timedOut;
    private long lateEndMarkers;

    private static final class Open {
        final List<AuditRecord> records = new ArrayList<>(8);
        long lastNanos;
    }

    public AuditEventAssembler(Consumer<AuditActivity> sink, long timeoutNanos, int maxOpenEvents) {
        this.sink = sink;
        this.timeoutNanos = timeoutNanos;
        this.maxOpenEvents = maxOpenEvents;
    }

    public void accept(AuditRecord record, long nowNanos) {
        int type = record.type();
        if (AuditRecordTypes.isStandalone(type)) {
            Open pending = open.remove(record.serial());
            if (pending != null) {
                emit(pending.records);
            }
            emit(List.of(record));
            return;
        }
        if (type == AuditRecordTypes.EOE) {
            Open pending = open.remove(record.serial());
            if (pending == null) {
                lateEndMarkers++;
            } else {
                emit(pending.records);
            }
            return;
        }
        Open pending = open.get(record.serial());
        if (pending == null) {
            pending = new Open();
            open.put(record.serial(), pending);
            if (open.size() > maxOpenEvents) {
                Iterator<Map.Entry<Long, Open>> oldest = open.entrySet().iterator();
                Open victim = oldest.next().getValue();
                oldest.remove();
                evicted++;
                emit(victim.records);
            }
        }
        pending.records.add(record);
        pending.lastNanos = nowNanos;
    }

    /** Finishes events whose first record is older than the timeout. Cheap when nothing expired. */
    public void expire(long nowNanos) {
        expireOlderThan(nowNanos, timeoutNanos);
    }

    /**
     * Finishes events whose last record is older than {@code ageNanos}. A receiver that was
     * descheduled should use a long age while records are still queued in its socket: the rest
     * of an event arrives right behind its first records.
     */
    public void expireOlderThan(long nowNanos, long ageNanos) {
        Iterator<Map.Entry<Long, Open>> it = open.entrySet().iterator();
        while (it.hasNext()) {
            Open o = it.next().getValue();
            if (nowNanos - o.lastNanos < ageNanos) {
                // insertion order is roughly arrival order; an event refreshed later can hide older ones
                // only until it expires itself, which bounds the delay to twice the timeout
                break;
            }
            it.remove();
            timedOut++;
            emit(o.records);
        }
    }

    /** Finishes every open event (at stop). */
    public void flush() {
        for (Open o : open.values()) {
            emit(o.records);
        }
        open.clear();
    }

    public int openEvents() {
        return open.size();
    }

    public long evicted() {
        return evicted;
    }

    public long timedOut() {
        return timedOut;
    }

    /** EOE records whose event was already finished (by timeout or eviction). */
    public long lateEndMarkers() {
        return lateEndMarkers;
    }

    private void emit(List<AuditRecord> records) {
        sink.accept(AuditActivityMapper.map(records));
    }
}
