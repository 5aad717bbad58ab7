package dev.kiroku.sensor.linux.audit;

import dev.kiroku.sensor.linux.netlink.NetlinkMessages;

/**
 * The kernel's {@code struct audit_status} as returned by {@code AUDIT_GET}: eleven u32 fields,
 * held as non-negative longs. Older kernels send fewer fields; missing ones are 0.
 *
 * @param mask                  which fields an {@code AUDIT_SET} changes (0 in replies)
 * @param enabled               0 off, 1 on, 2 on and locked until reboot
 * @param failure               0 silent, 1 printk, 2 panic on failure
 * @param pid                   the registered audit daemon's pid, 0 when none
 * @param rateLimit             records per second, 0 unlimited
 * @param backlogLimit          queued records before the kernel waits or drops
 * @param lost                  records dropped since boot (or since the counter was reset)
 * @param backlog               records queued right now
 * @param featureBitmap         kernel audit features
 * @param backlogWaitTime       jiffies an audited syscall may wait for backlog room
 * @param backlogWaitTimeActual jiffies waited in total
 */
public record AuditStatus(long mask, long enabled, long failure, long pid, long rateLimit, long backlogLimit,
                          long lost, long backlog, long featureBitmap, long backlogWaitTime,
                          long backlogWaitTimeActual) {

    public static final int SIZE = 44;

    public static final int MASK_ENABLED = 0x1;
    public static final int MASK_FAILURE = 0x2;
    public static final int MASK_PID = 0x4;
    public static final int MASK_RATE_LIMIT = 0x8;
    public static final int MASK_BACKLOG_LIMIT = 0x10;
    public static final int MASK_BACKLOG_WAIT_TIME = 0x20;
    public static final int MASK_LOST = 0x40;

    static AuditStatus decode(byte[] buffer, int offset, int length) {
        long[] v = new long[11];
        for (int i = 0; i < v.length && (i + 1) * 4 <= length; i++) {
            v[i] = NetlinkMessages.getUnsignedInt(buffer, offset + i * 4);
        }
        return new AuditStatus(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
    }

    void encode(byte[] buffer, int offset) {
        long[] v = {mask, enabled, failure, pid, rateLimit, backlogLimit, lost, backlog, featureBitmap,
                backlogWaitTime, backlogWaitTimeActual};
        for (int i = 0; i < v.length; i++) {
            NetlinkMessages.putInt(buffer, offset + i * 4, (int) v[i]);
        }
    }
}
