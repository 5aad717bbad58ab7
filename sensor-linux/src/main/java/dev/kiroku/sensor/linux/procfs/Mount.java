package dev.kiroku.sensor.linux.procfs;

import java.util.List;

/**
 * One line of {@code /proc/<pid>/mountinfo}.
 *
 * @param mountId      unique id of the mount
 * @param parentId     id of the parent mount
 * @param device       {@code major:minor} of the filesystem (the same for bind mounts of one fs)
 * @param root         the directory of the filesystem that is mounted here ({@code /} for the whole fs)
 * @param mountPoint   where it is mounted, in the reader's mount namespace (octal escapes decoded)
 * @param mountOptions per-mount options ({@code rw}/{@code ro}, nosuid, …)
 * @param fsType       filesystem type (with subtype, e.g. {@code fuse.sshfs})
 * @param source       mount source (device or a name such as {@code tmpfs})
 * @param superOptions per-superblock options
 */
public record Mount(int mountId, int parentId, String device, String root, String mountPoint,
                    List<String> mountOptions, String fsType, String source, List<String> superOptions) {

    public Mount {
        mountOptions = List.copyOf(mountOptions);
        superOptions = List.copyOf(superOptions);
    }

    /** Read-only through this mount or for the whole superblock. */
    public boolean readOnly() {
        return mountOptions.contains("ro") || superOptions.contains("ro");
    }
}
