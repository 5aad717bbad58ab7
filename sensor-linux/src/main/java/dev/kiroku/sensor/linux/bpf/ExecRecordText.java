package dev.kiroku.sensor.linux.bpf;

import dev.kiroku.sensor.linux.audit.ExecActivity;
import dev.kiroku.sensor.linux.netlink.NetlinkMessages;
import dev.kiroku.sensor.linux.procfs.FileIdentity;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of an exec record after the fixed 96 bytes ({@code struct exec_extra} and its text in
 * {@code process.bpf.c}): login uid, session, argc, flags, the executable's identity (as statx gives it), then the tty name, the executable's and the working
 * directory's path names from the last to the first, and a short argument vector. Turns it into the same
 * {@link ExecActivity} audit's records of an exec make, so both feeds give identical events. Keeps the latest
 * executable, directory and tty text: in a storm they repeat, and are then not decoded again. One thread at a time.
 */
final class ExecRecordText {
    private static final int EXTRA_AT = BpfProcessSource.RECORD_BYTES;
    static final int TEXT_AT = EXTRA_AT + 64;
    /** The longest argument vector taken (bytes, NULs included); a longer one is cut and flagged incomplete. */
    static final int ARGV_MAX = 256 << 10;
    /** The longest vector an exec record holds itself; a longer one comes in chunk records ahead of it. */
    static final int INLINE_ARGV_MAX = 2048;
    private static final int FLAG_EXE_INCOMPLETE = 1;
    private static final int FLAG_CWD_INCOMPLETE = 2;
    private static final int FLAG_ARGS_INCOMPLETE = 4;
    private static final int FLAG_EXE_DELETED = 8;
    private static final int FLAG_CWD_DELETED = 16;
    /** What d_path (and so audit) appends to the path of an unlinked file or directory. */
    private static final String DELETED = " (deleted)";

    private final RecentText executables = new RecentText();
    private final RecentText directories = new RecentText();
    private final RecentText ttys = new RecentText();
    private FileIdentity lastIdentity;

    /** The whole vector's size in the process, or {@link #ARGV_MAX} when it is longer. */
    static int argvBytesTaken(byte[] r) {
        return (int) Math.min(Integer.toUnsignedLong(NetlinkMessages.getInt(r, EXTRA_AT + 16)), ARGV_MAX);
    }

    /**
     * The exec described by a record of {@code length} bytes whose fixed part is {@code base}. A vector too long to
     * be inline is {@code chunked[0..chunkedBytes)}, joined from its chunk records (fewer bytes than sent: some lost).
     * Null when the record's lengths exceed it.
     */
    ExecActivity decode(byte[] r, int length, ProcessRecord base, byte[] chunked, int chunkedBytes) {
        int flags = NetlinkMessages.getInt(r, EXTRA_AT + 12);
        int ttyBytes = u16(r, EXTRA_AT + 20);
        int exeBytes = u16(r, EXTRA_AT + 22);
        int cwdBytes = u16(r, EXTRA_AT + 24);
        int inlineArgv = u16(r, EXTRA_AT + 26);
        int exeAt = TEXT_AT + ttyBytes;
        int cwdAt = exeAt + exeBytes;
        int argvAt = cwdAt + cwdBytes;
        if (argvAt + inlineArgv > length) return null;
        int taken = argvBytesTaken(r);
        boolean inline = inlineArgv > 0 || taken == 0;
        byte[] argvSource = inline ? r : chunked;
        int argvFrom = inline ? argvAt : 0;
        int argvLength = inline ? inlineArgv : chunked == null ? 0 : chunkedBytes;
        List<String> argv = arguments(argvSource, argvFrom, argvLength);
        int argc = NetlinkMessages.getInt(r, EXTRA_AT + 8);
        boolean argvComplete = (flags & FLAG_ARGS_INCOMPLETE) == 0 && argvLength == taken && argv.size() == argc;
        String tty = ttyBytes == 0 ? "(none)" : ttys.of(r, TEXT_AT, ttyBytes - 1, ExecRecordText::text);
        String executable = (flags & FLAG_EXE_INCOMPLETE) != 0 ? null
                : deleted(executables.of(r, exeAt, exeBytes, ExecRecordText::path), (flags & FLAG_EXE_DELETED) != 0);
        String cwd = (flags & FLAG_CWD_INCOMPLETE) != 0 ? null
                : deleted(directories.of(r, cwdAt, cwdBytes, ExecRecordText::path), (flags & FLAG_CWD_DELETED) != 0);
        return new ExecActivity(base.time(), 0, base.pid(), base.ppid(), base.uid(), base.euid(),
                NetlinkMessages.getInt(r, EXTRA_AT), base.gid(), base.egid(),
                session(NetlinkMessages.getInt(r, EXTRA_AT + 4)), tty, base.comm(), executable, argv,
                argvComplete, cwd, true, 0);
    }

    /**
     * The executable's device, inode, size and modification time as the kernel had them at the exec (what statx of its
     * path gives, for most file systems), or null when the process had no executable file. The last one is answered
     * again when it repeats.
     */
    FileIdentity executableIdentity(byte[] r) {
        long inode = NetlinkMessages.getLong(r, EXTRA_AT + 32);
        int device = NetlinkMessages.getInt(r, EXTRA_AT + 28);
        if (inode == 0 && device == 0) return null;
        // the kernel's dev_t is major << 20 | minor; FileIdentity has statx's major << 32 | minor
        long statxDevice = (long) (device >>> 20) << 32 | (device & 0xFFFFF);
        long size = NetlinkMessages.getLong(r, EXTRA_AT + 40);
        long mtimeNanos = NetlinkMessages.getLong(r, EXTRA_AT + 48) * 1_000_000_000L
                + Integer.toUnsignedLong(NetlinkMessages.getInt(r, EXTRA_AT + 56));
        FileIdentity last = lastIdentity;
        if (last != null && last.inode() == inode && last.device() == statxDevice && last.size() == size
                && last.mtimeNanos() == mtimeNanos) return last;
        return lastIdentity = new FileIdentity(statxDevice, inode, size, mtimeNanos);
    }

    /** The session id, -1 when none was set (audit's {@code ses=4294967295}, which its mapper reports as -1). */
    private static long session(int id) {
        return id == -1 ? -1 : Integer.toUnsignedLong(id);
    }

    private static String deleted(String path, boolean unlinked) {
        return unlinked ? path + DELETED : path;
    }

    /** NUL-terminated arguments; a last one without its NUL (the vector was cut) is kept as far as it goes. */
    private static List<String> arguments(byte[] bytes, int from, int length) {
        List<String> argv = new ArrayList<>();
        int end = from + length;
        int start = from;
        for (int i = from; i < end; i++) {
            if (bytes[i] == 0) {
                argv.add(text(bytes, start, i - start));
                start = i + 1;
            }
        }
        if (start < end) argv.add(text(bytes, start, end - start));
        return argv;
    }

    /** A path from its NUL-terminated names, last first: "/" and the names in order. */
    private static String path(byte[] r, int from, int length) {
        if (length == 0) return "/";
        StringBuilder path = new StringBuilder(length + 1);
        int end = from + length - 1; // the last name's NUL
        while (end > from) {
            int start = end - 1;
            while (start > from && r[start - 1] != 0) start--;
            path.append('/').append(text(r, start, end - start));
            end = start - 1;
        }
        return path.toString();
    }

    private static String text(byte[] bytes, int from, int length) {
        return new String(bytes, from, length, StandardCharsets.UTF_8);
    }

    private static int u16(byte[] r, int at) {
        return (r[at] & 0xFF) | (r[at + 1] & 0xFF) << 8;
    }
}
