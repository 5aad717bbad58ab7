package dev.kiroku.fleet.wire;

/** Limits and the version of the fleet protocol (fleet.proto) that both sides check. */
public final class Protocol {
    /** Messages with another version are refused with FAILED_PRECONDITION. */
    public static final int VERSION = 1;
    /** A batch with more events is refused as a whole (the agent sends at most 2000). */
    public static final int MAX_EVENTS_PER_BATCH = 10_000;
    /** gRPC refuses larger messages before they are decoded (RESOURCE_EXHAUSTED). */
    public static final int MAX_MESSAGE_BYTES = 16 << 20;
    /**
     * The agent splits a batch whose encoding is larger into several calls (a process with a huge argument vector
     * repeats it in each of its file events: 2,000 of those once made a 266 MB call that the server could never take).
     */
    public static final int MAX_SHIP_BYTES = 4 << 20;

    private Protocol() {
    }
}
