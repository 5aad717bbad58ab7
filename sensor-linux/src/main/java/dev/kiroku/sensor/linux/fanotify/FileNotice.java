package dev.kiroku.sensor.linux.fanotify;

import java.time.Instant;
import java.util.Objects;

/**
 * One change to a file or directory, as fanotify reported it. One kernel event can yield several
 * notices: the kernel merges events on the same object (for instance CREATE|CLOSE_WRITE), and
 * each set bit becomes a notice, in the order CREATE, MODIFY, ATTRIB, DELETE.
 *
 * @param time         when the agent read the event
 * @param pid          the process (tgid) that caused it, in the agent's pid namespace; 0 or the
 *                     pid of a process that has exited since
 * @param kind         what happened
 * @param path         the path after the change (the new path of a rename)
 * @param oldPath      for {@link Kind#RENAME}, the path before; otherwise null
 * @param directory    the object is a directory
 * @param pathResolved false when a directory handle could not be turned into a path (the
 *                     directory was deleted before the agent resolved it, or its path is longer
 *                     than PATH_MAX); the path is then the best known, with {@code …} standing for
 *                     the unknown part, e.g. {@code /…/name} or {@code /tmp/…/name}
 * @param pathExact    false when the path (or old path) contained bytes that are not UTF-8; each
 *                     such byte is written as {@code \xNN}
 */
public record FileNotice(Instant time, int pid, Kind kind, String path, String oldPath,
                         boolean directory, boolean pathResolved, boolean pathExact)
        implements FileActivity {

    public FileNotice {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
    }

    public enum Kind {
        /** A directory entry was created: a new file (open with O_CREAT), mkdir, link, mknod, symlink. */
        CREATE,
        /**
         * A file opened for writing was closed (FAN_CLOSE_WRITE). Writes through a file that is
         * never closed (logs, databases, mmap) are not seen until it is.
         */
        MODIFY,
        /** A directory entry was removed (unlink, rmdir). */
        DELETE,
        /** A directory entry moved; {@link #oldPath()} holds where it was. */
        RENAME,
        /** Permissions, owner, timestamps, link count or extended attributes changed. */
        ATTRIB
    }
}
