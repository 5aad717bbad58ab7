package dev.kiroku.event;

import java.time.Instant;
import java.util.List;

/**
 * A process as the agent's process table knows it. Identity is {@link #entityId()}, unique across
 * pid reuse: derived from agent id, pid and the kernel's process start time ({@link EntityIds}).
 *
 * @param entityId         unique id of this process on this agent
 * @param pid              process id (tgid) in the initial pid namespace
 * @param startTime        when the process started (fork time)
 * @param parent           the parent as known when this process was seen; null when unknown
 * @param executable       absolute path of the executable image
 * @param args             full argument vector, argv[0] first
 * @param workingDirectory current working directory at exec
 * @param sha256           SHA-256 of the executable, hex; null when not hashed
 * @param user             real, effective and login user
 * @param session          audit session id; -1 when unset
 * @param tty              controlling terminal name ("pts/0"), or null
 * @param namespaces       cgroup, container and namespace ids; null when unknown
 * @param md5              MD5 of the executable, hex; null when not hashed (computed with the SHA-256, in one pass)
 * @param sha1             SHA-1 of the executable, hex; null when not hashed
 */
public record ProcessInfo(String entityId, int pid, Instant startTime, ParentRef parent,
                          String executable, List<String> args, String workingDirectory,
                          String sha256, Credentials user, long session, String tty,
                          Namespaces namespaces, String md5, String sha1) {

    public ProcessInfo {
        args = args == null ? List.of() : List.copyOf(args);
    }

    /** A process known by its SHA-256 only (or not hashed at all). */
    public ProcessInfo(String entityId, int pid, Instant startTime, ParentRef parent,
                       String executable, List<String> args, String workingDirectory,
                       String sha256, Credentials user, long session, String tty, Namespaces namespaces) {
        this(entityId, pid, startTime, parent, executable, args, workingDirectory, sha256, user, session, tty,
                namespaces, null, null);
    }

    /** This process with the executable's three digests (hex, any may be null). */
    public ProcessInfo withHashes(String md5, String sha1, String sha256) {
        return new ProcessInfo(entityId, pid, startTime, parent, executable, args, workingDirectory, sha256, user,
                session, tty, namespaces, md5, sha1);
    }

    /** This process with another argument vector and parent (the same instance when both are the same). */
    public ProcessInfo withArgs(List<String> args, ParentRef parent) {
        if (args == this.args && parent == this.parent) return this;
        return new ProcessInfo(entityId, pid, startTime, parent, executable, args, workingDirectory, sha256, user,
                session, tty, namespaces, md5, sha1);
    }

    /** The executable's file name, or argv[0] when the executable is unknown. */
    public String name() {
        String source = executable != null && !executable.isEmpty() ? executable
                : args.isEmpty() ? "" : args.getFirst();
        int slash = source.lastIndexOf('/');
        return slash >= 0 ? source.substring(slash + 1) : source;
    }

    /** Arguments joined with spaces, quoting those that contain spaces, as shells show them. */
    public String commandLine() {
        return CommandLines.join(args);
    }

    /** The part of a parent process that a child event carries. */
    public record ParentRef(String entityId, int pid, String executable, List<String> args) {
        public ParentRef {
            args = args == null ? List.of() : List.copyOf(args);
        }

        public String name() {
            String source = executable != null && !executable.isEmpty() ? executable
                    : args.isEmpty() ? "" : args.getFirst();
            int slash = source.lastIndexOf('/');
            return slash >= 0 ? source.substring(slash + 1) : source;
        }
    }

    /** User ids of a process; names are null when they could not be resolved. */
    public record Credentials(int uid, String name, int euid, String effectiveName, int loginUid,
                              int gid, int egid) {
        public static final int UNSET = -1;
    }

    /**
     * Where a process lives: its cgroup v2 path, a container id derived from it when it looks
     * like one, and namespace inode numbers (0 when unknown).
     */
    public record Namespaces(String cgroup, String containerId, long pidNamespace, long mountNamespace,
                             long netNamespace) {
    }
}
