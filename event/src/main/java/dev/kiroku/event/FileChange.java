package dev.kiroku.event;

/**
 * A change to a file or directory.
 *
 * @param action    what happened
 * @param path      the path after the change (the new path of a rename)
 * @param oldPath   for renames, the path before; otherwise null
 * @param directory true when the object is a directory
 * @param process   the process that caused it, as far as the process table knows it
 */
public record FileChange(Action action, String path, String oldPath, boolean directory,
                         ProcessInfo process) implements Payload {

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

    public String name() {
        int slash = path.lastIndexOf('/');
        return slash >= 0 ? path.substring(slash + 1) : path;
    }
}
