package dev.kiroku.sensor.linux.audit;

import java.time.Instant;
import java.util.List;

/**
 * Health of an {@link AuditSource}.
 *
 * @param mode                 how records are received
 * @param kernelLost           the kernel's {@code lost} counter at the last poll (global, since boot)
 * @param kernelLostSinceStart {@code kernelLost} minus its value when the source started
 * @param kernelBacklog        records queued in the kernel at the last poll
 * @param kernelBacklogLimit   the kernel's backlog limit at the last poll
 * @param recordsReceived      datagrams received and parsed (or found malformed)
 * @param malformedRecords     records reported as {@link MalformedRecord}
 * @param internalDrops        events or records the source lost itself: truncated datagrams,
 *                             receive-buffer overruns (ENOBUFS), sink exceptions, events cut short
 *                             because too many were open
 * @param receiveOverruns      ENOBUFS errors (the socket buffer overflowed; count unknown)
 * @param activitiesEmitted    activities handed to the sink
 * @param rulesInstalled       rules the source added
 * @param problems             non-fatal set-up problems (a rule the kernel refused, ...)
 * @param lastKernelPoll       when the kernel status was last read, or null
 */
public record AuditSourceStatus(AuditMode mode, long kernelLost, long kernelLostSinceStart, long kernelBacklog,
                                long kernelBacklogLimit, long recordsReceived, long malformedRecords,
                                long internalDrops, long receiveOverruns, long activitiesEmitted, int rulesInstalled,
                                List<String> problems, Instant lastKernelPoll) {
    public AuditSourceStatus {
        problems = List.copyOf(problems);
    }
}
