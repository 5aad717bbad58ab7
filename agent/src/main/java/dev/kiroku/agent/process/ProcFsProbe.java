package dev.kiroku.agent.process;

import dev.kiroku.event.ProcessInfo;
import dev.kiroku.sensor.linux.procfs.ForkTicks;
import dev.kiroku.sensor.linux.procfs.ProcFiles;
import dev.kiroku.sensor.linux.procfs.ProcFs;
import dev.kiroku.sensor.linux.procfs.ProcessSnapshot;
import dev.kiroku.sensor.linux.procfs.UserNames;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link ProcessProbe} over the live /proc and /etc/passwd. Not thread-safe: the enrichment thread uses it. */
public final class ProcFsProbe implements ProcessProbe {
    private final ProcFs proc;
    private final UserNames users;
    private final ForkTicks forkTicks = new ForkTicks();
    private final Instant bootTime;
    /** The namespaces last answered for a cgroup id whose path the id gave, and that id. */
    private ProcessInfo.Namespaces lastByCgroupId;
    private long lastCgroupId;
    /** Container ids by cgroup path: a machine has few cgroups, and every exec asks (a regex search each). */
    private final Map<String, Optional<String>> containerIds = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<String>> eldest) {
            return size() > 1024;
        }
    };

    private final CgroupPaths cgroupPaths = CgroupPaths.ofMounts();

    public ProcFsProbe(ProcFs proc, UserNames users) {
        this.proc = proc;
        this.users = users;
        this.bootTime = proc.bootTime().orElse(Instant.EPOCH);
    }

    @Override
    public List<Integer> pids() {
        return proc.listPids();
    }

    @Override
    public Optional<ProcessFacts> read(int pid) {
        return proc.snapshot(pid).filter(s -> !s.kernelThread()).map(this::facts);
    }

    private ProcessFacts facts(ProcessSnapshot s) {
        ProcessInfo.Credentials credentials = new ProcessInfo.Credentials(s.uid(), userName(s.uid()), s.euid(),
                userName(s.euid()), s.loginUid(), s.gid(), s.egid());
        ProcessInfo.Namespaces namespaces = new ProcessInfo.Namespaces(s.cgroup(), s.containerId(), s.pidNamespace(),
                s.mountNamespace(), s.netNamespace());
        List<String> argv = s.argv().isEmpty() && s.comm() != null ? List.of(s.comm()) : s.argv();
        return new ProcessFacts(s.pid(), s.ppid(), s.startTicks(), s.exe(), argv, s.cwd(), null, credentials,
                s.auditSession(), null, namespaces);
    }

    @Override
    public long startTicks(int pid) {
        return proc.startTicks(pid).orElse(-1);
    }

    /** From the fork notice's time when that is certain ({@link ForkTicks}: nine forks in ten). */
    @Override
    public long startTicksFromForkTime(long forkMonotonicNanos) {
        return forkTicks.ticks(forkMonotonicNanos);
    }

    @Override
    public ProcessInfo.Namespaces namespaces(int pid) {
        byte[] cgroupFile = ProcFiles.read(proc.file(pid, "cgroup"));
        if (cgroupFile == null) return null;
        try {
            String cgroup = unifiedCgroup(new String(cgroupFile, StandardCharsets.UTF_8));
            return new ProcessInfo.Namespaces(cgroup, cgroup == null ? null : containerIds.computeIfAbsent(cgroup, ProcFsProbe::containerId).orElse(null),
                    inode(proc.file(pid, "ns/pid")), inode(proc.file(pid, "ns/mnt")), inode(proc.file(pid, "ns/net")));
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public ProcessInfo.Namespaces namespaces(int pid, long cgroupId, long pidNamespace, long mountNamespace, long netNamespace) {
        ProcessInfo.Namespaces last = lastByCgroupId;
        if (last != null && cgroupId == lastCgroupId && last.pidNamespace() == pidNamespace
                && last.mountNamespace() == mountNamespace && last.netNamespace() == netNamespace) {
            return last; // a storm's processes share their parent's: no look-ups
        }
        String cgroup = cgroupPaths.path(cgroupId);
        boolean byId = cgroup != null;
        if (!byId) {
            byte[] cgroupFile = ProcFiles.read(proc.file(pid, "cgroup"));
            cgroup = cgroupFile == null ? null : unifiedCgroup(new String(cgroupFile, StandardCharsets.UTF_8));
        }
        String containerId = cgroup == null ? null : containerIds.computeIfAbsent(cgroup, ProcFsProbe::containerId).orElse(null);
        ProcessInfo.Namespaces namespaces = new ProcessInfo.Namespaces(cgroup, containerId, pidNamespace, mountNamespace, netNamespace);
        if (byId) {
            lastByCgroupId = namespaces;
            lastCgroupId = cgroupId;
        }
        return namespaces;
    }

    /** The cgroup v2 path: the {@code 0::} line of /proc/PID/cgroup (the last one, if several), or null. */
    static String unifiedCgroup(String text) {
        String cgroup = null;
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) end = text.length();
            if (text.startsWith("0::", start)) cgroup = text.substring(start + 3, end);
            start = end + 1;
        }
        return cgroup;
    }

    private static Optional<String> containerId(String cgroup) {
        return Optional.ofNullable(ProcFs.containerId(cgroup));
    }

    /** The inode of a namespace link such as {@code pid:[4026531836]}, 0 when unreadable. */
    private static long inode(String link) {
        String target = ProcFiles.readLink(link);
        if (target == null) return 0;
        int open = target.indexOf('[');
        try {
            return open < 0 ? 0 : Long.parseLong(target, open + 1, target.length() - 1, 10);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public Instant startTime(long startTicks) {
        if (startTicks < 0 || startTicks >= 1L << 50) return null;
        return proc.startInstant(startTicks).orElse(bootTime);
    }

    @Override
    public String userName(int uid) {
        return uid < 0 ? null : users.name(uid).orElse(null);
    }
}
