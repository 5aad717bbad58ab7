package dev.kiroku.sensor.linux.fanotify;

import java.util.Arrays;
import java.util.HexFormat;

/** A kernel file handle on one filesystem: usable as a map key (content equality). */
record HandleKey(long fsid, int handleType, byte[] handle) {

    @Override
    public boolean equals(Object o) {
        return o instanceof HandleKey(long f, int t, byte[] h)
                && f == fsid && t == handleType && Arrays.equals(h, handle);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(fsid) * 31 + handleType) * 31 + Arrays.hashCode(handle);
    }

    @Override
    public String toString() {
        return "HandleKey[fsid=" + Long.toHexString(fsid) + ", type=" + handleType
                + ", handle=" + HexFormat.of().formatHex(handle) + "]";
    }
}
