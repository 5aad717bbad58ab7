package dev.kiroku.response;

/** What an action did to one target. */
public enum Outcome {
    /** The action changed the target. */
    DONE,
    /** The target was already in the requested state; nothing changed. */
    ALREADY,
    /** The action did not happen; the target is as it was and {@link ActionResult#detail()} says why. */
    FAILED
}
