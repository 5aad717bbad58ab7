package dev.kiroku.sensor.linux.fanotify;

import java.util.List;

/**
 * Counters of a {@link FanotifyFileSource}, for health reporting.
 *
 * @param events          kernel events read (one event can give several notices)
 * @param notices         {@link FileNotice}s handed to the sink
 * @param overflows       FAN_Q_OVERFLOW notices (each: at least one event lost)
 * @param unresolvedPaths notices whose path could not be fully resolved
 * @param inexactPaths    notices whose path had non-UTF-8 bytes (escaped)
 * @param ignoredByPid    events dropped because an ignored pid caused them
 * @param malformed       events or info records that could not be parsed
 * @param sinkErrors      exceptions thrown by the sink (caught; the loop goes on)
 * @param linkCountOnly   ATTRIB events that carried only the object's handle (the kernel's
 *                        link-count notice on unlink/link/rename-over), dropped: the object is
 *                        usually gone, and the directory event already reports the change
 * @param marked          paths of the filesystems marked
 * @param markFailures    filesystems that could not be marked, with the reason
 */
public record FanotifyStatus(long events, long notices, long overflows, long unresolvedPaths,
                             long inexactPaths, long ignoredByPid, long malformed, long sinkErrors,
                             long linkCountOnly, List<String> marked, List<String> markFailures) {

    public FanotifyStatus {
        marked = List.copyOf(marked);
        markFailures = List.copyOf(markFailures);
    }
}
