package dev.kiroku.sensor.linux.procfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads processes from a proc filesystem with plain file I/O. The root is injectable so tests can
 * use a fake tree; the default is {@code /proc}.
 *
 * <p>Processes come and go while they are read: nothing here throws because a process vanished.
 * A process whose {@code stat} cannot be read gives {@link Optional#empty()}; one that vanishes
 * later gives a partial snapshot that names the unreadable parts. If the pid was reused while
 * reading (the start time changed), the mixed snapshot is discarded (empty).
 *
 * <p>Clock ticks: {@code starttime} is in USER_HZ units, which the kernel ABI fixes at 100 on
 * x86, arm64 and every other mainstream architecture (sysconf(_SC_CLK_TCK)); it is a constructor
 * parameter for the odd ones. Symlink targets (exe, cwd) are decoded by the JDK with
 * {@code sun.jnu.encoding}, so the agent must run with a UTF-8 locale (e.g. C.UTF-8) for non-ASCII
 * names; argv is decoded here as UTF-8 with replacement.
 */
public final class ProcFs {

    public static final int DEFAULT_TICKS_PER_SECOND = 100;
    private static final long UNSET_ID = 4294967295L;
    private static final int PF_KTHREAD = 0x00200000;
    private static final String DELETED = " (deleted)";
    private static final Pattern CONTAINER_ID = Pattern.compile("(?<![0-9a-f])([0-9a-f]{64})(?![0-9a-f])");
    private static final Pattern NS_INODE = Pattern.compile("^[a-z_]+:\\[(\\d+)]$");

    private final Path root;
    private final int ticksPerSecond;
    private volatile Instant bootTime;

    public ProcFs() {
        this(Path.of("/proc"), DEFAULT_TICKS_PER_SECOND);
    }

    public ProcFs(Path root, int ticksPerSecond) {
        if (ticksPerSecond <= 0) {
            throw new IllegalArgumentException("ticksPerSecond must be positive: " + ticksPerSecond);
        }
        this.root = root;
        this.ticksPerSecond = ticksPerSecond;
    }

    public Path root() {
        return root;
    }

    /** The numeric entries of the proc root, ascending; empty if it cannot be listed. */
    public List<Integer> listPids() {
        List<Integer> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.isEmpty() && name.length() <= 10 && name.chars().allMatch(Character::isDigit)) {
                    try {
                        pids.add(Integer.parseInt(name));
                    } catch (NumberFormatException ignored) {
                        // longer than an int: not a pid
                    }
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        pids.sort(null);
        return pids;
    }

    /** {@code btime} from {@code /proc/stat}: when the machine booted (one-second resolution). */
    public Optional<Instant> bootTime() {
        Instant known = bootTime;
        if (known != null) {
            return Optional.of(known);
        }
        for (String line : lines(root.resolve("stat")).orElse(List.of())) {
            if (line.startsWith("btime ")) {
                try {
                    known = Instant.ofEpochSecond(Long.parseLong(line.substring(6).trim()));
                    bootTime = known;
                    return Optional.of(known);
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** Converts a start time in clock ticks after boot to an instant. */
    public Optional<Instant> startInstant(long startTicks) {
        return bootTime().map(boot -> boot.plusSeconds(startTicks / ticksPerSecond)
                .plusNanos((startTicks % ticksPerSecond) * 1_000_000_000L / ticksPerSecond));
    }

    /** Start ticks alone (stat field 22), cheaper than a snapshot: for identity checks. */
    public OptionalLong startTicks(int pid) {
        return stat(pid).map(s -> OptionalLong.of(s.startTicks)).orElse(OptionalLong.empty());
    }

    /** A snapshot of one process, or empty when it does not exist (any more). */
    public Optional<ProcessSnapshot> snapshot(int pid) {
        Optional<Stat> first = stat(pid);
        if (first.isEmpty()) {
            return Optional.empty();
        }
        Stat stat = first.get();
        Path dir = root.resolve(Integer.toString(pid));
        Set<ProcessSnapshot.Part> unreadable = EnumSet.noneOf(ProcessSnapshot.Part.class);

        int uid = -1, euid = -1, gid = -1, egid = -1;
        List<Integer> nsPids = List.of();
        Optional<List<String>> status = lines(dir.resolve("status"));
        if (status.isPresent()) {
            for (String line : status.get()) {
                if (line.startsWith("Uid:")) {
                    int[] ids = ints(line.substring(4), 2);
                    uid = ids[0];
                    euid = ids[1];
                } else if (line.startsWith("Gid:")) {
                    int[] ids = ints(line.substring(4), 2);
                    gid = ids[0];
                    egid = ids[1];
                } else if (line.startsWith("NSpid:")) {
                    List<Integer> list = new ArrayList<>();
                    for (int id : ints(line.substring(6), 0)) {
                        list.add(id);
                    }
                    nsPids = list;
                }
            }
        } else {
            unreadable.add(ProcessSnapshot.Part.STATUS);
        }

        List<String> argv = List.of();
        Optional<byte[]> cmdline = bytes(dir.resolve("cmdline"));
        if (cmdline.isPresent()) {
            argv = splitNul(cmdline.get());
        } else {
            unreadable.add(ProcessSnapshot.Part.CMDLINE);
        }

        String exe = null;
        boolean exeDeleted = false;
        if (!stat.kernelThread) {
            Optional<String> link = link(dir.resolve("exe"));
            if (link.isPresent()) {
                exe = link.get();
                if (exe.endsWith(DELETED)) {
                    exe = exe.substring(0, exe.length() - DELETED.length());
                    exeDeleted = true;
                }
            } else {
                unreadable.add(ProcessSnapshot.Part.EXE);
            }
        }
        String cwd = link(dir.resolve("cwd")).orElse(null);
        if (cwd == null) {
            unreadable.add(ProcessSnapshot.Part.CWD);
        }

        String cgroup = null;
        Optional<List<String>> cgroups = lines(dir.resolve("cgroup"));
        if (cgroups.isPresent()) {
            for (String line : cgroups.get()) {
                if (line.startsWith("0::")) {
                    cgroup = line.substring(3);
                }
            }
        } else {
            unreadable.add(ProcessSnapshot.Part.CGROUP);
        }

        long pidNs = namespace(dir, "pid");
        long mntNs = namespace(dir, "mnt");
        long netNs = namespace(dir, "net");
        if (pidNs == 0 || mntNs == 0 || netNs == 0) {
            unreadable.add(ProcessSnapshot.Part.NAMESPACES);
        }

        OptionalLong loginUid = number(dir.resolve("loginuid"));
        if (loginUid.isEmpty()) {
            unreadable.add(ProcessSnapshot.Part.LOGINUID);
        }
        OptionalLong sessionId = number(dir.resolve("sessionid"));
        if (sessionId.isEmpty()) {
            unreadable.add(ProcessSnapshot.Part.SESSIONID);
        }

        Optional<Stat> last = stat(pid);
        if (last.isPresent() && last.get().startTicks != stat.startTicks) {
            return Optional.empty(); // pid reused while reading: the parts belong to two processes
        }
        return Optional.of(new ProcessSnapshot(pid, stat.ppid, stat.comm, stat.startTicks,
                startInstant(stat.startTicks).orElse(null), stat.session, stat.ttyNr, stat.kernelThread,
                uid, euid, gid, egid, nsPids, argv, exe, exeDeleted, cwd, cgroup, containerId(cgroup),
                pidNs, mntNs, netNs, unsetToMinusOne(loginUid), unsetToMinusOneLong(sessionId), unreadable));
    }

    /** A 64-hex container id in a cgroup path (docker-&lt;id&gt;.scope, /docker/&lt;id&gt;, cri-containerd-&lt;id&gt;…), the last one wins. */
    public static String containerId(String cgroupPath) {
        if (cgroupPath == null) {
            return null;
        }
        Matcher m = CONTAINER_ID.matcher(cgroupPath);
        String found = null;
        while (m.find()) {
            found = m.group(1);
        }
        return found;
    }

    // ---- parsing ------------------------------------------------------------------------------

    private record Stat(int ppid, String comm, int session, int ttyNr, boolean kernelThread, long startTicks) {
    }

    private Optional<Stat> stat(int pid) {
        byte[] b = ProcFiles.read(file(pid, "stat"));
        return b == null ? Optional.empty() : parseStat(new String(b, StandardCharsets.UTF_8));
    }

    /** The path of a file of a process, as a string for {@link ProcFiles}. */
    public String file(int pid, String name) {
        return root + "/" + pid + "/" + name;
    }

    /** {@code pid (comm) state ppid pgrp session tty_nr tpgid flags … starttime(22) …}; comm may hold ") ". */
    static Optional<Stat> parseStat(String text) {
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 0 || close < open) {
            return Optional.empty();
        }
        // Fields after the comm, separated by runs of spaces: field 3 (state) first. Read in place:
        // every fork the agent sees reads a stat file.
        long ppid = -1;
        long session = -1;
        long ttyNr = -1;
        long flags = -1;
        long startTicks = -1;
        int field = 2;
        int i = close + 1;
        int n = text.length();
        while (i < n && field < 22) {
            while (i < n && text.charAt(i) == ' ') {
                i++;
            }
            if (i >= n || text.charAt(i) == '\n') {
                break;
            }
            field++;
            int end = i;
            while (end < n && text.charAt(end) != ' ' && text.charAt(end) != '\n') {
                end++;
            }
            if (field == 4 || field == 6 || field == 7 || field == 9 || field == 22) {
                long value = number(text, i, end);
                boolean isInt = field != 9 && field != 22;
                if (value == NOT_A_NUMBER || isInt && (int) value != value) {
                    return Optional.empty();
                }
                switch (field) {
                    case 4 -> ppid = value;
                    case 6 -> session = value;
                    case 7 -> ttyNr = value;
                    case 9 -> flags = value;
                    default -> startTicks = value;
                }
            }
            i = end;
        }
        if (field < 22) {
            return Optional.empty();
        }
        return Optional.of(new Stat((int) ppid, text.substring(open + 1, close), (int) session, (int) ttyNr,
                (flags & PF_KTHREAD) != 0, startTicks));
    }

    private static final long NOT_A_NUMBER = Long.MIN_VALUE;

    /** The decimal integer (optionally negative) in {@code text[from, to)}, or {@link #NOT_A_NUMBER}. */
    private static long number(String text, int from, int to) {
        boolean negative = from < to && text.charAt(from) == '-';
        int i = negative ? from + 1 : from;
        if (i >= to || to - i > 18) {
            return NOT_A_NUMBER;
        }
        long value = 0;
        for (; i < to; i++) {
            int d = text.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return NOT_A_NUMBER;
            }
            value = value * 10 + d;
        }
        return negative ? -value : value;
    }

    private static int[] ints(String fields, int minimum) {
        String[] parts = fields.trim().split("\\s+");
        int[] out = new int[Math.max(minimum, parts.length)];
        java.util.Arrays.fill(out, -1);
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = (int) Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                out[i] = -1;
            }
        }
        return out;
    }

    static List<String> splitNul(byte[] bytes) {
        List<String> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                args.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < bytes.length) { // a process that rewrote its argv may drop the final NUL
            args.add(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8));
        }
        return args;
    }

    private long namespace(Path dir, String kind) {
        return link(dir.resolve("ns").resolve(kind)).map(l -> {
            Matcher m = NS_INODE.matcher(l);
            return m.matches() ? Long.parseLong(m.group(1)) : 0L;
        }).orElse(0L);
    }

    private static int unsetToMinusOne(OptionalLong value) {
        return value.isEmpty() || value.getAsLong() == UNSET_ID ? -1 : (int) value.getAsLong();
    }

    private static long unsetToMinusOneLong(OptionalLong value) {
        return value.isEmpty() || value.getAsLong() == UNSET_ID ? -1 : value.getAsLong();
    }

    private static OptionalLong number(Path file) {
        Optional<byte[]> b = bytes(file);
        if (b.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(new String(b.get(), StandardCharsets.US_ASCII).trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static Optional<byte[]> bytes(Path file) {
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (IOException | SecurityException e) {
            return Optional.empty(); // vanished (ENOENT/ESRCH), permission, or not a proc file
        }
    }

    private static Optional<List<String>> lines(Path file) {
        return bytes(file).map(b -> new String(b, StandardCharsets.UTF_8).lines().toList());
    }

    private static Optional<String> link(Path file) {
        try {
            return Optional.of(Files.readSymbolicLink(file).toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }
}
