package dev.kiroku.sandbox.detonate;

import java.util.List;

/**
 * The dynamic half of a report: what the sample did in the sandbox.
 *
 * @param status         "completed", "timed_out" (killed at the time limit), "not_run" (why in {@code note}) or "failed"
 * @param note           why it was not run or failed, or how it was recorded when something was missing; "" otherwise
 * @param command        the command run inside the sandbox
 * @param exitCode       exit code of the sample's first process, -1 when unknown or killed
 * @param durationMillis wall time from launch to end
 * @param recording      what recorded the behaviour (sensors running, their problems)
 * @param processes      the sample's process tree, parents before children
 * @param filesWritten   the sample's changes to the writable layer
 * @param fileEvents     the sensor's file events of the sample's processes ("create /etc/cron.d/x by sh")
 * @param connections    attempted connections (from the sink and from the sensor)
 * @param dnsQueries     names the sample looked up
 * @param persistence    persistence attempts (files and commands)
 * @param rules          rule-pack rules that fired on the sample's events
 * @param usage          resources used and limits hit
 * @param output         the sample's standard output and error (truncated)
 */
public record DetonationReport(String status, String note, List<String> command, int exitCode, long durationMillis,
                               String recording, List<ProcessNode> processes, List<FileWritten> filesWritten,
                               List<String> fileEvents, List<ConnectionAttempt> connections, List<String> dnsQueries,
                               List<String> persistence, List<BehaviourRules.Hit> rules, SandboxCgroup.Usage usage,
                               String output) {

    public static DetonationReport notRun(String why) {
        return new DetonationReport("not_run", why, List.of(), -1, 0, "", List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), null, "");
    }

    /** A process of the sample's tree. */
    public record ProcessNode(int pid, int parentPid, int depth, String executable, String commandLine, Integer exitCode) {
    }

    /**
     * @param seenBy "sink" (the connection reached the sink) or "sensor" (audit saw the connect call)
     * @param detail first bytes sent to the sink, or the process that connected
     */
    public record ConnectionAttempt(String seenBy, String destinationIp, int destinationPort, String detail) {
    }
}
