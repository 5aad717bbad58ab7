package dev.kiroku.investigate.tracking;

import dev.kiroku.investigate.history.ProcessRecord;

import java.util.List;

/**
 * A process and its ancestors only (no file origins): the fast question "what started this".
 *
 * @param processes the process first, the session boundary or oldest recorded ancestor last
 * @param boundary  why it stops
 * @param cuts      what limits cut
 */
public record Ancestry(List<ProcessRecord> processes, String boundary, List<String> cuts) {
    public Ancestry {
        processes = List.copyOf(processes);
        cuts = List.copyOf(cuts);
    }
}
