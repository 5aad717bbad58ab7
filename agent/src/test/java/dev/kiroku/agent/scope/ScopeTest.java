package dev.kiroku.agent.scope;

import dev.kiroku.event.Event;
import dev.kiroku.event.LossReport;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Scopes resolved from real network namespaces: a test namespace and this process's own. */
class ScopeTest {

    @Test
    void aNetworkNamespaceScopeKeepsOnlyItsProcessesEvents() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root for ip netns");
        String name = "kiroku-scope-" + ProcessHandle.current().pid();
        Process add = new ProcessBuilder("ip", "netns", "add", name).redirectErrorStream(true).start();
        assumeTrue(add.waitFor() == 0, "ip netns add failed: " + new String(add.getInputStream().readAllBytes()));
        try {
            Scope scoped = Scope.parse("netns:" + name);
            long inside = ((Number) Files.getAttribute(Path.of("/run/netns", name), "unix:ino")).longValue();
            long here = ((Number) Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:ino")).longValue();
            assertThat(scoped.netNamespace()).isEqualTo(inside).isNotEqualTo(here);
            assertThat(scoped.contains(exec(inside, "/sys/fs/cgroup/a"))).isTrue();
            assertThat(scoped.contains(exec(here, "/sys/fs/cgroup/a"))).isFalse();
            assertThat(scoped.contains(execWithoutNamespaces())).as("unknown namespaces are outside").isFalse();
            assertThat(scoped.contains(loss())).isTrue();
            assertThat(Scope.parse("netns:/proc/self/ns/net").contains(exec(here, "x"))).isTrue();
            assertThat(Scope.HOST.contains(exec(here, "x"))).isTrue();
        } finally {
            new ProcessBuilder("ip", "netns", "delete", name).start().waitFor();
        }
    }

    @Test
    void cgroupScopesMatchSubtreesAndBadScopesAreNamed() {
        Scope scope = Scope.parse("cgroup:/system.slice/web.service");
        assertThat(scope.contains(exec(1, "/system.slice/web.service"))).isTrue();
        assertThat(scope.contains(exec(1, "/system.slice/web.service/child"))).isTrue();
        assertThat(scope.contains(exec(1, "/system.slice/web.service2"))).isFalse();
        assertThatThrownBy(() -> Scope.parse("netns:kiroku-no-such-namespace")).hasMessageContaining("cannot read the namespace file");
        assertThatThrownBy(() -> Scope.parse("pod:x")).hasMessageContaining("host, netns:NAME");
    }

    private static Event exec(long netNamespace, String cgroup) {
        return event(new ProcessInfo.Namespaces(cgroup, null, 1, 1, netNamespace));
    }

    private static Event execWithoutNamespaces() {
        return event(null);
    }

    private static Event event(ProcessInfo.Namespaces namespaces) {
        ProcessInfo process = new ProcessInfo("e1", 42, Instant.now(), null, "/usr/bin/true", List.of("true"), "/", null,
                null, 1, null, namespaces);
        return Event.of("a", Instant.now(), "h", new ProcessStart(process, false)).withSequence(1);
    }

    private static Event loss() {
        return Event.of("a", Instant.now(), "h", new LossReport("audit", 1, Instant.now(), Instant.now(), "x")).withSequence(2);
    }
}
