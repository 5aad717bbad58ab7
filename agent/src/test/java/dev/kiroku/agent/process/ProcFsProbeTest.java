package dev.kiroku.agent.process;

import dev.kiroku.event.ProcessInfo;
import dev.kiroku.sensor.linux.procfs.ProcFs;
import dev.kiroku.sensor.linux.procfs.UserNames;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ProcFsProbeTest {

    @Test
    void readsTheUnifiedCgroupLine() {
        assertThat(ProcFsProbe.unifiedCgroup("0::/user.slice/session-3.scope\n")).isEqualTo("/user.slice/session-3.scope");
        assertThat(ProcFsProbe.unifiedCgroup("12:cpu:/a\n0::/system.slice/docker-0123.scope\n1:name=systemd:/b"))
                .isEqualTo("/system.slice/docker-0123.scope");
        assertThat(ProcFsProbe.unifiedCgroup("12:cpu:/a\n")).isNull();
        assertThat(ProcFsProbe.unifiedCgroup("")).isNull();
    }

    @Test
    void namespacesOfThisProcessMatchProc() throws Exception {
        ProcFsProbe probe = new ProcFsProbe(new ProcFs(), new UserNames());
        int pid = (int) ProcessHandle.current().pid();
        ProcessInfo.Namespaces ns = probe.namespaces(pid);
        assertThat(ns).isNotNull();
        String pidLink = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
        assertThat(pidLink).isEqualTo("pid:[" + ns.pidNamespace() + "]");
        String cgroup = ProcFsProbe.unifiedCgroup(Files.readString(Path.of("/proc/self/cgroup")));
        assertThat(ns.cgroup()).isEqualTo(cgroup);
        assertThat(probe.namespaces(pid)).isEqualTo(ns);
        assertThat(probe.namespaces(Integer.MAX_VALUE)).isNull();
    }

    /** The kernel's ids (BPF records) give the same namespaces as /proc, asked again with the same or other ids. */
    @Test
    void namespacesFromTheKernelsIdsMatchProcWhenAskedAgainOrWithOtherIds() throws Exception {
        ProcFsProbe probe = new ProcFsProbe(new ProcFs(), new UserNames());
        int pid = (int) ProcessHandle.current().pid();
        ProcessInfo.Namespaces fromProc = probe.namespaces(pid);
        String mountPoint = Files.readAllLines(Path.of("/proc/self/mounts")).stream().map(l -> l.split(" "))
                .filter(f -> f[2].equals("cgroup2")).map(f -> f[1]).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(mountPoint != null && fromProc.cgroup() != null, "needs a cgroup v2 mount");
        long cgroupId = (Long) Files.getAttribute(Path.of(mountPoint + fromProc.cgroup()), "unix:ino");
        long rootId = (Long) Files.getAttribute(Path.of(mountPoint), "unix:ino");

        ProcessInfo.Namespaces first = probe.namespaces(pid, cgroupId, fromProc.pidNamespace(), fromProc.mountNamespace(), fromProc.netNamespace());
        assertThat(first).isEqualTo(fromProc);
        assertThat(probe.namespaces(pid, cgroupId, fromProc.pidNamespace(), fromProc.mountNamespace(), fromProc.netNamespace()))
                .isEqualTo(fromProc);
        assertThat(probe.namespaces(pid, cgroupId, fromProc.pidNamespace(), fromProc.mountNamespace(), 7))
                .isEqualTo(new ProcessInfo.Namespaces(fromProc.cgroup(), fromProc.containerId(), fromProc.pidNamespace(),
                        fromProc.mountNamespace(), 7));
        assertThat(probe.namespaces(pid, rootId, 1, 2, 3)).isEqualTo(new ProcessInfo.Namespaces("/", null, 1, 2, 3));
        assertThat(probe.namespaces(pid, cgroupId, 1, 2, 3).cgroup()).isEqualTo(fromProc.cgroup());
    }
}
