package dev.kiroku.sensor.linux.procfs;

/**
 * What identifies one version of a file's content as the kernel sees it, from one {@code statx}.
 *
 * @param device     the device (major in the high 32 bits, minor in the low)
 * @param inode      the inode number
 * @param size       the size in bytes
 * @param mtimeNanos the modification time in nanoseconds since the epoch
 */
public record FileIdentity(long device, long inode, long size, long mtimeNanos) {
    // Written out: the generated record methods are slow in C1-compiled code, and every exec looks one up.
    @Override
    public int hashCode() {
        return Long.hashCode(inode * 31 + device) * 31 + Long.hashCode(size * 31 + mtimeNanos);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FileIdentity f && inode == f.inode && device == f.device && size == f.size
                && mtimeNanos == f.mtimeNanos;
    }
}
