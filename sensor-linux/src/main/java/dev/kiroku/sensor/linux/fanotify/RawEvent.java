package dev.kiroku.sensor.linux.fanotify;

import java.util.Arrays;
import java.util.List;

/**
 * One fanotify event as the kernel wrote it, copied out of native memory: the mask, the pid
 * (tgid) that caused it and its information records.
 */
record RawEvent(long mask, int pid, List<Info> infos) {

    RawEvent {
        infos = List.copyOf(infos);
    }

    boolean has(long bits) {
        return (mask & bits) != 0;
    }

    /** The first info record of the given type, or null. */
    Info info(int type) {
        for (Info info : infos) {
            if (info.type() == type) {
                return info;
            }
        }
        return null;
    }

    /**
     * An info record: a file handle on filesystem {@code fsid}, and for the *_DFID_NAME types the
     * raw name bytes of the directory entry (without the NUL; not necessarily UTF-8).
     */
    record Info(int type, HandleKey handle, byte[] name) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Info(int t, HandleKey h, byte[] n)
                    && t == type && h.equals(handle) && Arrays.equals(n, name);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * type + handle.hashCode()) + Arrays.hashCode(name);
        }

        @Override
        public String toString() {
            return "Info[type=" + type + ", " + handle + ", name="
                    + (name == null ? "null" : PathText.decode(name).text()) + "]";
        }
    }
}
