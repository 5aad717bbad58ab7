package dev.kiroku.event;

/**
 * A change to a file or directory.
 *
 * @param action    what happened
 * @param path      the path after the change (the new path of a rename)
 * @param oldPath   for renames, the path before; otherwise null
 * @param directory true when the object is a directory
 * @param process   the process that caused it, as far as the process table knows it
 * @param sha256    for a created or written executable, the SHA-256 of its content after the change, lower-case hex;
 *                  null when not hashed (not an executable, over the agent's hashing budget or size limit, gone)
 * @param md5       MD5 of the same content (computed with the SHA-256 in one read); null when not hashed
 * @param sha1      SHA-1 of the same content; null when not hashed
 */
public record FileChange(Action action, String path, String oldPath, boolean directory,
                         ProcessInfo process, String sha256, String md5, String sha1) implements Payload {

    public enum Action {
        /** Created (open with O_CREAT of a new file, mkdir, link). */
        CREATE,
        /** Closed after being written. */
        MODIFY,
        DELETE,
        RENAME,
        /** Permissions, owner, timestamps or extended attributes changed. */
        ATTRIBUTES
    }

    /** A change without content hashes. */
    public FileChange(Action action, String path, String oldPath, boolean directory, ProcessInfo process) {
        this(action, path, oldPath, directory, process, null, null, null);
    }

    /** This change with the content's digests (lower-case hex). */
    public FileChange withHashes(String md5, String sha1, String sha256) {
        return new FileChange(action, path, oldPath, directory, process, sha256, md5, sha1);
    }

    /** True when at least one digest of the content is known. */
    public boolean hashed() {
        return sha256 != null || md5 != null || sha1 != null;
    }

    public String name() {
        int slash = path.lastIndexOf('/');
        return slash >= 0 ? path.substring(slash + 1) : path;
    }
}
