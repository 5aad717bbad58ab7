package dev.kiroku.agent.process;

import dev.kiroku.event.ProcessInfo;
import dev.kiroku.sensor.linux.procfs.ProcFs;
import dev.kiroku.sensor.linux.procfs.ProcessSnapshot;
import dev.kiroku.sensor.linux.procfs.UserNames;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link ProcessProbe} over the live /proc and /etc/passwd. */
public final class ProcFsProbe implements ProcessProbe {
    private final ProcFs proc;
    private final UserNames users;
    private final Instant bootTime;

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

    @Override
    public ProcessInfo.Namespaces namespaces(int pid) {
        Path dir = proc.root().resolve(Integer.toString(pid));
        try {
            String cgroup = null;
            for (String line : Files.readAllLines(dir.resolve("cgroup"))) {
                if (line.startsWith("0::")) cgroup = line.substring(3);
            }
            return new ProcessInfo.Namespaces(cgroup, cgroup == null ? null : ProcFs.containerId(cgroup),
                    inode(dir.resolve("ns/pid")), inode(dir.resolve("ns/mnt")), inode(dir.resolve("ns/net")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The inode of a namespace link such as {@code pid:[4026531836]}, 0 when unreadable. */
    private static long inode(Path link) {
        try {
            String target = Files.readSymbolicLink(link).toString();
            int open = target.indexOf('[');
            return open < 0 ? 0 : Long.parseLong(target.substring(open + 1, target.length() - 1));
        } catch (IOException | RuntimeException e) {
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
