package dev.kiroku.sandbox;

/**
 * Told about every finished report whose verdict is {@link Verdict#HIGH} (the response side adds the
 * hash to the fleet-wide block list) or {@link Verdict#MEDIUM} (an alert for the analyst). A listener
 * that throws does not stop the others nor the queue; the failure is logged.
 */
@FunctionalInterface
public interface VerdictListener {
    void onVerdict(Report report);
}
