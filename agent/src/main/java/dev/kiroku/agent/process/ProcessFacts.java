package dev.kiroku.agent.process;

import dev.kiroku.event.ProcessInfo;

import java.util.List;

/**
 * What one source (an audit exec record, a /proc read) tells about a process, before the table
 * gives it an identity and a parent.
 *
 * @param startTicks kernel start time in clock ticks since boot, or -1 when unknown
 */
public record ProcessFacts(int pid, int ppid, long startTicks, String executable, List<String> args,
                           String workingDirectory, String sha256, ProcessInfo.Credentials credentials,
                           long session, String tty, ProcessInfo.Namespaces namespaces) {

    public ProcessFacts withStartTicks(long ticks) {
        return new ProcessFacts(pid, ppid, ticks, executable, args, workingDirectory, sha256, credentials,
                session, tty, namespaces);
    }

    public ProcessFacts withSha256(String hash) {
        return new ProcessFacts(pid, ppid, startTicks, executable, args, workingDirectory, hash, credentials,
                session, tty, namespaces);
    }
}
