package dev.kiroku.event;

import java.time.Instant;

/**
 * Events a source lost between two instants. Stored like any other event, so the store can show
 * "this endpoint lost N events between T1 and T2".
 *
 * @param source  the sensor or stage that lost them ("audit", "fanotify", "queue", "hash")
 * @param count   how many were lost (or work items skipped, for "hash")
 * @param from    start of the interval
 * @param to      end of the interval
 * @param reason  why ("kernel lost counter", "queue overflow", "disk full", ...)
 */
public record LossReport(String source, long count, Instant from, Instant to, String reason)
        implements Payload {
}
