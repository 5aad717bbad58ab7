package dev.kiroku.agent.journal;

/**
 * What a {@link Journal} holds and what it lost, for health reporting.
 *
 * @param state                whether writes succeed
 * @param segments             segment files on disk
 * @param bytes                bytes of all segment files
 * @param firstSequence        oldest sequence still held (disk or memory), 0 when empty
 * @param lastSequence         newest sequence assigned, 0 when none yet
 * @param acknowledgedSequence every event up to this one was acknowledged by the server
 * @param bufferedEvents       events appended but not yet written to a segment
 * @param lostToCap            unacknowledged events deleted because the size cap forced it (persisted)
 * @param droppedWhileFull     events refused because writes failed and the buffer was full (persisted)
 * @param corruptBlocks        blocks skipped because they failed their checksum or did not decode,
 *                             since open
 * @param undecodableEvents    events skipped because their bytes did not decode, since open
 * @param truncatedBytes       bytes of torn tails cut off at open
 * @param lastError            the most recent problem, null when there was none
 */
public record JournalStatus(State state, int segments, long bytes, long firstSequence, long lastSequence,
                            long acknowledgedSequence, int bufferedEvents, long lostToCap, long droppedWhileFull,
                            long corruptBlocks, long undecodableEvents, long truncatedBytes, String lastError) {

    public enum State {
        /** Writes succeed. */
        OK,
        /** The disk is full (ENOSPC or quota): events are buffered up to a bound, then dropped and counted. */
        DISK_FULL,
        /** Writes fail for another I/O reason; handled like DISK_FULL. */
        WRITE_FAILED,
        /** The journal was closed. */
        CLOSED
    }

    /** Unacknowledged events lost for any reason. */
    public long lost() {
        return lostToCap + droppedWhileFull;
    }
}
