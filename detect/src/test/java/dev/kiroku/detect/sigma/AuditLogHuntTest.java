package dev.kiroku.detect.sigma;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AuditLogHuntTest {
    static final String LOG = """
            type=SYSCALL msg=audit(1700000000.123:42): arch=c000003e syscall=59 success=yes exit=0 ppid=1 pid=100 auid=1000 uid=0 comm="chattr" exe="/usr/bin/chattr" key="kiroku"
            type=EXECVE msg=audit(1700000000.123:42): argc=3 a0="chattr" a1="+i" a2=2F6574632F7061737377642066696C65
            type=USER_LOGIN msg=audit(1700000001.000:43): pid=200 uid=0 auid=1000 ses=3 msg='op=login acct="alice" exe="/usr/sbin/sshd" hostname=? addr=10.0.0.9 terminal=ssh res=failed'
            """;

    @Test
    void recordsBecomeItemsWithTheirOwnFieldNamesAndDecodedArguments() {
        Map<String, Object> execve = AuditLogItems.parse(LOG.lines().toList().get(1));
        assertThat(execve).containsEntry("type", "EXECVE").containsEntry("a1", "+i")
                .containsEntry("a2", "/etc/passwd file").containsEntry("serial", "42")
                .containsEntry("@timestamp", "2023-11-14T22:13:20.123Z");
        Map<String, Object> login = AuditLogItems.parse(LOG.lines().toList().get(2));
        assertThat(login).containsEntry("acct", "alice").containsEntry("res", "failed").containsEntry("addr", "10.0.0.9");
    }

    @Test
    void huntRunsAuditdRulesOverARawAuditLog(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("audit.log"), LOG);
        Path rule = Files.writeString(dir.resolve("rule.yml"), """
                title: Immutable attribute set
                id: 1b4e8c84-1c1e-4d6e-9f8a-1f4a1c2b3d4e
                status: test
                level: medium
                logsource: {product: linux, service: auditd}
                detection:
                  selection: {type: EXECVE, a0: chattr, a1|contains: '+i'}
                  condition: selection
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Hunt.run(List.of(rule), List.of(log), Hunt.Format.JSON, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Immutable attribute set").contains("audit.log");
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).hasSize(1);
    }
}
