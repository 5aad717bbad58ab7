package dev.kiroku.agent.enrich;

import dev.kiroku.sensor.linux.audit.AuditActivity;
import dev.kiroku.sensor.linux.fanotify.FileActivity;

import dev.kiroku.sensor.linux.sockdiag.InetSocket;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the sources hand to the enrichment thread, in one queue. */
public sealed interface Observation {

    /** An assembled audit event. */
    record Audit(AuditActivity activity) implements Observation {
    }

    /** A file change or file loss from fanotify. */
    record File(FileActivity activity) implements Observation {
    }

    /** A fork from the proc connector, with the kernel's CLOCK_MONOTONIC time of it (0 when unknown). */
    record Fork(int parentPid, int childPid, Instant time, long monotonicNanos) implements Observation {
    }

    /** A process exit from the proc connector. */
    record Exit(int pid, int exitCode, int signal, Instant time) implements Observation {
    }

    /** The periodic socket inventory: sockets found, and which pids hold each socket inode. */
    record Sockets(List<InetSocket> sockets, Map<Long, List<Integer>> owners, Instant time) implements Observation {
    }
}
