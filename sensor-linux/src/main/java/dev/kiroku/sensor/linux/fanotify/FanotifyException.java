package dev.kiroku.sensor.linux.fanotify;

import java.io.IOException;

/** A fanotify-related system call failed; carries the operation and its errno. */
public final class FanotifyException extends IOException {

    private final int errno;

    public FanotifyException(String operation, int errno, Throwable cause) {
        super(operation + " failed: errno " + errno + describe(errno), cause);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    private static String describe(int errno) {
        return switch (errno) {
            case 1 -> " (EPERM: needs CAP_SYS_ADMIN)";
            case 2 -> " (ENOENT)";
            case 13 -> " (EACCES)";
            case 18 -> " (EXDEV: filesystem/subvolume fsid differs from its mount)";
            case 19 -> " (ENODEV: filesystem has no usable fsid)";
            case 22 -> " (EINVAL: flag combination not supported by this kernel)";
            case 24 -> " (EMFILE: too many fanotify groups or fds)";
            case 28 -> " (ENOSPC: fanotify mark limit reached)";
            case 38 -> " (ENOSYS: kernel without fanotify)";
            case 95 -> " (EOPNOTSUPP: filesystem cannot encode file handles)";
            default -> "";
        };
    }
}
