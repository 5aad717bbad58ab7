package dev.kiroku.agent.process;

import dev.kiroku.event.ProcessInfo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessTableTest {
    static final Instant T = Instant.parse("2026-11-27T00:00:00Z");
    static final ProcessInfo.Credentials ROOT = new ProcessInfo.Credentials(0, "root", 0, "root", -1, 0, 0);

    static ProcessFacts facts(int pid, int ppid, long ticks, String exe, String... args) {
        return new ProcessFacts(pid, ppid, ticks, exe, List.of(args), "/", null, ROOT, -1, null, null);
    }

    @Test
    void aForkedChildCopiesItsParentsImageAndLinksToIt() {
        ProcessTable table = new ProcessTable("agent", Duration.ofSeconds(5));
        ProcessInfo bash = table.learn(facts(100, 1, 500, "/bin/bash", "bash"), T);
        ProcessInfo child = table.fork(100, 200, 900, T.plusSeconds(1));
        assertThat(child.executable()).isEqualTo("/bin/bash");
        assertThat(child.parent().entityId()).isEqualTo(bash.entityId());
        assertThat(child.entityId()).isNotEqualTo(bash.entityId());
    }

    @Test
    void execKeepsIdentityAndTakesTheNewImage() {
        ProcessTable table = new ProcessTable("agent", Duration.ofSeconds(5));
        table.learn(facts(100, 1, 500, "/bin/bash", "bash"), T);
        ProcessInfo forked = table.fork(100, 200, 900, T);
        ProcessInfo execd = table.exec(facts(200, 100, -1, "/usr/bin/curl", "curl", "-s", "x"), T);
        assertThat(execd.entityId()).isEqualTo(forked.entityId());
        assertThat(execd.executable()).isEqualTo("/usr/bin/curl");
        assertThat(execd.parent().executable()).isEqualTo("/bin/bash");
    }

    @Test
    void aForkNoticeArrivingAfterTheExecDoesNotUndoIt() {
        ProcessTable table = new ProcessTable("agent", Duration.ofSeconds(5));
        table.learn(facts(100, 1, 500, "/bin/bash", "bash"), T);
        ProcessInfo execd = table.exec(facts(200, 100, 900, "/usr/bin/rm", "rm", "x"), T);
        ProcessInfo late = table.fork(100, 200, 900, T);
        assertThat(late).isEqualTo(execd);
        assertThat(table.get(200).orElseThrow().executable()).isEqualTo("/usr/bin/rm");
    }

    @Test
    void aReusedPidIsANewProcess() {
        ProcessTable table = new ProcessTable("agent", Duration.ofSeconds(5));
        table.learn(facts(1, 0, 1, "/sbin/init", "init"), T);
        ProcessInfo first = table.fork(1, 300, 1000, T);
        table.exit(300, T.plusSeconds(1));
        ProcessInfo second = table.fork(1, 300, 2000, T.plusSeconds(2));
        assertThat(second.entityId()).isNotEqualTo(first.entityId());
    }

    @Test
    void exitedProcessesStayForTheGracePeriodThenGo() {
        ProcessTable table = new ProcessTable("agent", Duration.ofSeconds(5));
        table.learn(facts(100, 1, 500, "/bin/bash", "bash"), T);
        assertThat(table.exit(100, T)).isPresent();
        table.expire(T.plusSeconds(3));
        assertThat(table.get(100)).isPresent();
        table.expire(T.plusSeconds(6));
        assertThat(table.get(100)).isEmpty();
    }
}
