package dev.kiroku.fleet.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The state database failing under the server: a database that closes itself (as H2 does after a panic) is reported
 * with what failed and reopened on the next use; a process holding it killed with SIGKILL mid-write leaves a
 * database the next process opens and writes; every embedded database opens without background compaction.
 */
class StateDatabaseFailureTest {
    private static final Instant T0 = Instant.parse("2026-11-28T07:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aDatabaseThatClosesItselfIsReportedThenReopenedOnTheNextUse() throws Exception {
        try (JdbcStateStore store = JdbcStateStore.h2(dir, T0)) {
            store.enrol("agent-1", "host-1", "web", "serial-1", T0);
            assertThat(store.problem()).isEmpty();

            try (Connection other = DriverManager.getConnection(EmbeddedH2.url(dir.resolve("kiroku-state")), "sa", "");
                 Statement s = other.createStatement()) {
                s.execute("CHECKPOINT SYNC");
                s.execute("SHUTDOWN IMMEDIATELY");
            }

            assertThatThrownBy(store::agents).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("state database: ");
            assertThat(store.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("SELECT agents failed at "));

            assertThat(store.agents()).extracting(StateStore.AgentRecord::agentId).containsExactly("agent-1");
            assertThat(store.problem()).as("a use that worked clears the problem").isEmpty();
            store.heartbeat("agent-1", "{\"os\":\"linux\"}", T0.plusSeconds(1));
            assertThat(store.agent("agent-1")).hasValueSatisfying(a -> assertThat(a.inventoryJson()).contains("linux"));
        }
    }

    @Test
    void aStoreOnAGivenConnectionSaysItCannotReopen() throws Exception {
        Connection connection = DriverManager.getConnection(EmbeddedH2.url(dir.resolve("given")), "sa", "");
        try (JdbcStateStore store = new JdbcStateStore(connection, T0)) {
            try (Statement s = connection.createStatement()) {
                s.execute("SHUTDOWN IMMEDIATELY");
            }
            assertThatThrownBy(store::agents).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(store::agents).hasMessageContaining("cannot reopen");
            assertThat(store.problem()).isPresent();
        }
    }

    @Test
    void aProcessKilledWhileWritingLeavesADatabaseTheNextOneOpensAndWrites() throws Exception {
        for (int round = 0; round < 3; round++) {
            Process writer = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                    StateWriter.class.getName(), dir.toString()).redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
                // H2 writes committed transactions to the file within its write delay (500 ms), so what was committed
                // longer ago than that must survive the kill; the enrolments are older than 2 s of ticks.
                String line;
                int written = 0;
                long firstTick = 0;
                while ((line = out.readLine()) != null && (written < 40 || System.nanoTime() - firstTick < 2_000_000_000L)) {
                    if (line.startsWith("wrote ") && written++ == 0) firstTick = System.nanoTime();
                }
                assertThat(written).as("the writer wrote before it was killed").isGreaterThanOrEqualTo(40);
            } finally {
                writer.destroyForcibly();
                assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            try (JdbcStateStore store = JdbcStateStore.h2(dir, T0)) {
                List<StateStore.AgentRecord> agents = store.agents();
                assertThat(agents).hasSize(StateWriter.AGENTS);
                store.delivered(List.of(new StateStore.Deliveries("agent-0", 1, 1, T0)));
                store.audit("test", "reopen", "round " + round, T0);
                assertThat(store.problem()).isEmpty();
                assertThat(store.auditTrail(1)).extracting(StateStore.AuditEntry::detail).containsExactly("round " + round);
            }
        }
    }

    @Test
    void enrolmentsAndRevocationsSurviveAKillRightAfterThem() throws Exception {
        for (int round = 0; round < 3; round++) {
            Process writer = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                    Revoker.class.getName(), dir.toString(), Integer.toString(round)).redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = out.readLine()) != null && !line.equals("revoked")) {
                    // the child's other output
                }
                assertThat(line).as("the child revoked its agent").isEqualTo("revoked");
            } finally {
                writer.destroyForcibly();
                assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            try (JdbcStateStore store = JdbcStateStore.h2(dir, T0)) {
                assertThat(store.agent("kept-" + round)).isPresent();
                assertThat(store.agent("revoked-" + round)).hasValueSatisfying(a -> assertThat(a.revoked()).isNotNull());
                assertThat(store.certificate("serial-revoked-" + round, "revoked-" + round)).isEqualTo(StateStore.CertificateState.REVOKED);
            }
        }
    }

    /** Child process: enrols two agents, revokes one, says so and waits to be killed. */
    public static final class Revoker {
        public static void main(String[] args) throws InterruptedException {
            JdbcStateStore store = JdbcStateStore.h2(Path.of(args[0]), T0);
            store.enrol("kept-" + args[1], "host", "web", "serial-kept-" + args[1], T0);
            store.enrol("revoked-" + args[1], "host", "web", "serial-revoked-" + args[1], T0);
            store.revoke("revoked-" + args[1], T0);
            System.out.println("revoked");
            Thread.sleep(60_000);
        }
    }

    @Test
    void embeddedDatabasesOpenWithoutBackgroundCompaction() throws Exception {
        try (Connection c = DriverManager.getConnection(EmbeddedH2.url(dir.resolve("settings")), "sa", "");
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'AUTO_COMPACT_FILL_RATE'")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo("0");
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Child process: enrols agents once, then writes delivery counters and audit entries until it is killed. */
    public static final class StateWriter {
        static final int AGENTS = 50;

        public static void main(String[] args) {
            JdbcStateStore store = JdbcStateStore.h2(Path.of(args[0]), T0);
            for (int i = store.agents().size(); i < AGENTS; i++) store.enrol("agent-" + i, "host-" + i, "web", "serial-" + i, T0);
            for (long n = 0; ; n++) {
                List<StateStore.Deliveries> tallies = new ArrayList<>();
                for (int i = 0; i < AGENTS; i++) tallies.add(new StateStore.Deliveries("agent-" + i, 20, n, T0.plusMillis(n)));
                store.delivered(tallies);
                store.audit("writer", "tick", "n " + n, T0.plusMillis(n));
                System.out.println("wrote " + n);
            }
        }
    }
}
