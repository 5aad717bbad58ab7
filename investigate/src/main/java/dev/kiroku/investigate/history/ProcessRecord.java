package dev.kiroku.investigate.history;

import dev.kiroku.event.Event;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;

import java.time.Instant;
import java.util.List;

/**
 * One process as the record knows it: identity by entity id (never by pid, which the kernel reuses).
 *
 * @param seen     when the event this record was made from happened (its exec for started processes)
 * @param snapshot true when the process was older than the agent (start-up /proc snapshot)
 * @param started  true when made from a start event; false when pieced together from another event of the process
 */
public record ProcessRecord(String entityId, String agentId, String hostName, int pid, Instant startTime,
                            String parentEntityId, String executable, List<String> args, String workingDirectory,
                            String sha256, String userName, Instant seen, boolean snapshot, boolean started) {

    public ProcessRecord {
        args = args == null ? List.of() : List.copyOf(args);
    }

    /** The process an event was caused by, or null when the event names none. */
    public static ProcessRecord of(Event event) {
        ProcessInfo p = EventProcesses.process(event.payload());
        if (p == null || p.entityId() == null) return null;
        boolean start = event.payload() instanceof ProcessStart;
        boolean snapshot = event.payload() instanceof ProcessStart s && s.snapshot();
        String user = p.user() == null ? null : p.user().name();
        return new ProcessRecord(p.entityId(), event.agentId(), event.hostName(), p.pid(),
                p.startTime() == null ? event.timestamp() : p.startTime(),
                p.parent() == null ? null : p.parent().entityId(), p.executable(), p.args(), p.workingDirectory(),
                p.sha256(), user, event.timestamp(), snapshot, start);
    }

    /** The executable's file name, or argv[0]'s. */
    public String name() {
        String source = executable != null && !executable.isEmpty() ? executable : args.isEmpty() ? "" : args.getFirst();
        int slash = source.lastIndexOf('/');
        return slash >= 0 ? source.substring(slash + 1) : source;
    }

    public String commandLine() {
        return String.join(" ", args);
    }

    /** "name (pid 123) on host". */
    public String describe() {
        return name() + " (pid " + pid + ") on " + (hostName.isEmpty() ? agentId : hostName);
    }
}
