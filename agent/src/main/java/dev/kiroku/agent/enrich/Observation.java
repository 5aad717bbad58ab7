package dev.kiroku.agent.enrich;

import dev.kiroku.sensor.linux.audit.AuditActivity;
import dev.kiroku.sensor.linux.audit.ExecActivity;
import dev.kiroku.sensor.linux.fanotify.FileActivity;
import dev.kiroku.sensor.linux.procfs.FileIdentity;

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

    /**
     * A fork, with the kernel's CLOCK_MONOTONIC time of it (0 when unknown). From the BPF process sensor also the
     * child's start ticks and kernel ids as the kernel had them at the fork; from the proc connector -1 and null.
     */
    record Fork(int parentPid, int childPid, Instant time, long monotonicNanos, long startTicks, KernelIds ids)
            implements Observation {
        public Fork(int parentPid, int childPid, Instant time, long monotonicNanos) {
            this(parentPid, childPid, time, monotonicNanos, -1, null);
        }
    }

    /**
     * An exec as the kernel's tracepoint saw it (BPF process sensor only): the process's start ticks and the
     * namespaces its new image runs in, and the exec itself (executable, arguments, working directory, credentials),
     * the same record audit's exec makes; null when this record lacks it (audit then reports the exec). The
     * executable's identity (device, inode, size, modification time) keys the hash cache without a statx; null when
     * unknown.
     */
    record Exec(int pid, Instant time, long startTicks, KernelIds ids, ExecActivity activity, FileIdentity executableIdentity)
            implements Observation {
    }

    /** A process exit from the proc connector. */
    record Exit(int pid, int exitCode, int signal, Instant time) implements Observation {
    }

    /** The periodic socket inventory: sockets found, and which pids hold each socket inode. */
    record Sockets(List<InetSocket> sockets, Map<Long, List<Integer>> owners, Instant time) implements Observation {
    }
}
