package dev.kiroku.store;

import java.time.Instant;
import java.time.LocalDate;

/**
 * The store's health, for display.
 *
 * @param state      whether writes currently succeed
 * @param detail     what went wrong last, readable by an operator; "" when healthy
 * @param since      when the state was entered
 * @param oldestDay  the oldest partition (UTC day) held, null when empty
 * @param newestDay  the newest partition held, null when empty
 * @param partitions how many partitions are held
 * @param diskBytes  bytes the store occupies on disk
 */
public record StoreStatus(State state, String detail, Instant since, LocalDate oldestDay, LocalDate newestDay,
                          int partitions, long diskBytes) {

    public enum State {
        /** Writes succeed. */
        OK,
        /** The last write failed because the disk is full; nothing durably stored was lost, appends are refused until space is free. */
        DISK_FULL,
        /** The last write failed for another I/O reason, see the detail. */
        FAILED
    }
}
