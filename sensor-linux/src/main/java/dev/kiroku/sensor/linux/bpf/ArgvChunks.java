package dev.kiroku.sensor.linux.bpf;

import dev.kiroku.sensor.linux.netlink.NetlinkMessages;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Argument vectors too long for an exec record, joined from the chunk records ({@code struct argv_chunk}: kind, pid,
 * offset, length, bytes) that the program sends ahead of the exec record of the same process. A chunk whose offset is
 * not where the vector ends so far (one before it was lost) ends the vector there: the exec is flagged incomplete.
 */
final class ArgvChunks {
    /** Processes whose exec record was lost leave a vector behind; past this many, all waiting ones are dropped. */
    private static final int MAX_WAITING = 1024;

    record Vector(byte[] bytes, int length) {
    }

    private static final class Joining {
        byte[] bytes = new byte[32 << 10];
        int length;
        boolean broken;
    }

    private final Map<Integer, Joining> waiting = new HashMap<>();

    /** Adds a chunk record of {@code length} bytes; false when it is malformed. */
    boolean add(byte[] r, int length) {
        int pid = NetlinkMessages.getInt(r, 4);
        int offset = NetlinkMessages.getInt(r, 8);
        int bytes = NetlinkMessages.getInt(r, 12);
        if (bytes < 0 || offset < 0 || 16 + bytes > length || offset > ExecRecordText.ARGV_MAX - bytes) return false;
        Joining joining = offset == 0 ? new Joining() : waiting.get(pid);
        if (offset == 0) {
            if (waiting.size() >= MAX_WAITING) waiting.clear();
            waiting.put(pid, joining);
        }
        if (joining == null || joining.broken) return true;
        if (joining.length != offset) {
            joining.broken = true;
            return true;
        }
        if (joining.bytes.length < offset + bytes) joining.bytes = Arrays.copyOf(joining.bytes, Math.max(offset + bytes, joining.bytes.length * 2));
        System.arraycopy(r, 16, joining.bytes, offset, bytes);
        joining.length += bytes;
        return true;
    }

    /** The vector joined for this process (and forgets it), or null when none arrived. */
    Vector take(int pid) {
        Joining joining = waiting.remove(pid);
        return joining == null ? null : new Vector(joining.bytes, joining.length);
    }
}
