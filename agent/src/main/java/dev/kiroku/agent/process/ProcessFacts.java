package dev.kiroku.agent.process;

import dev.kiroku.event.ProcessInfo;

import java.util.List;

/**
 * What one source (an audit exec record, a /proc read) tells about a process, before the table
 * gives it an identity and a parent.
 *
 * @param startTicks kernel start time in clock ticks since boot, or -1 when unknown
 * @param md5        MD5 of the executable, hex, or null (like {@code sha1}, computed with the SHA-256)
 */
public record ProcessFacts(int pid, int ppid, long startTicks, String executable, List<String> args,
                           String workingDirectory, String sha256, ProcessInfo.Credentials credentials,
                           long session, String tty, ProcessInfo.Namespaces namespaces, String md5, String sha1) {

    /** Facts without the executable's MD5 and SHA-1. */
    public ProcessFacts(int pid, int ppid, long startTicks, String executable, List<String> args,
                        String workingDirectory, String sha256, ProcessInfo.Credentials credentials,
                        long session, String tty, ProcessInfo.Namespaces namespaces) {
        this(pid, ppid, startTicks, executable, args, workingDirectory, sha256, credentials, session, tty, namespaces,
                null, null);
    }

    public ProcessFacts withStartTicks(long ticks) {
        return new ProcessFacts(pid, ppid, ticks, executable, args, workingDirectory, sha256, credentials,
                session, tty, namespaces, md5, sha1);
    }

    public ProcessFacts withSha256(String hash) {
        return withHashes(null, null, hash);
    }

    /** These facts with the executable's digests (hex, any may be null). */
    public ProcessFacts withHashes(String md5, String sha1, String sha256) {
        return new ProcessFacts(pid, ppid, startTicks, executable, args, workingDirectory, sha256, credentials,
                session, tty, namespaces, md5, sha1);
    }
}
