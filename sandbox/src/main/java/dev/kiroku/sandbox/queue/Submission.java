package dev.kiroku.sandbox.queue;

import java.time.Instant;

/**
 * A sample's place in the queue, by SHA-256.
 *
 * @param sha256    the sample's identity
 * @param name      name it was (first) submitted under
 * @param state     queued, running, done or failed
 * @param submitted when it was first submitted
 * @param message   why it failed, or "" 
 */
public record Submission(String sha256, String name, State state, Instant submitted, String message) {
    public enum State { QUEUED, RUNNING, DONE, FAILED }

    Submission with(State newState, String newMessage) {
        return new Submission(sha256, name, newState, submitted, newMessage);
    }
}
