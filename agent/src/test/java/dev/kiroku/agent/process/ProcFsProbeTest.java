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
}
