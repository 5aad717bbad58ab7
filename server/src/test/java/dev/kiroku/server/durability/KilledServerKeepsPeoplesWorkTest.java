package dev.kiroku.server.durability;

import dev.kiroku.fleet.state.EmbeddedH2;
import dev.kiroku.investigate.incident.IncidentRepository;
import dev.kiroku.investigate.workflow.AlertRef;
import dev.kiroku.server.alerts.Alert;
import dev.kiroku.server.alerts.JdbcAlertStore;
import dev.kiroku.server.alerts.Occurrence;
import dev.kiroku.server.alerts.RuleInfo;
import dev.kiroku.server.alerts.Triage;
import dev.kiroku.server.auth.ConsoleSessions;
import dev.kiroku.server.auth.Role;
import dev.kiroku.server.response.policy.ResponsePolicies;
import dev.kiroku.server.response.policy.ResponsePolicy;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What people did on the server (and the alerts it opened) must survive the server being killed right after: H2
 * writes commits to its file within a 500 ms write delay, which a SIGKILL cuts short. A child JVM makes the writes
 * the way the server does, says so, and is killed at once; the databases are then opened again.
 */
class KilledServerKeepsPeoplesWorkTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-11-28T10:00:00Z"));

    @TempDir
    Path dir;

    @Test
    void alertsTriageIncidentsNotesPoliciesAndSignOutsSurviveAKillRightAfterThem() throws Exception {
        String[] written = writeInAChildAndKillIt();
        long alertId = Long.parseLong(written[1]);
        long incidentId = Long.parseLong(written[2]);
        String keptSession = written[3];
        String signedOut = written[4];

        try (JdbcAlertStore alerts = JdbcAlertStore.h2(dir, CLOCK)) {
            assertThat(alerts.get(alertId)).as("the alert opened right before the kill").hasValueSatisfying(alert -> {
                assertThat(alert.rule().id()).isEqualTo("r-durable");
                assertThat(alert.triage().status()).as("its triage").isEqualTo("acknowledged");
            });
            assertThat(alerts.ruleStates()).containsEntry("r-disabled", false);
        }
        JdbcConnectionPool investigation = JdbcConnectionPool.create(EmbeddedH2.url(dir.resolve("investigation/kiroku-investigation")), "sa", "");
        try {
            var incident = new IncidentRepository(investigation, CLOCK).get(incidentId);
            assertThat(incident.title()).isEqualTo("durable incident");
            assertThat(incident.notes()).extracting(n -> n.text()).containsExactly("written before the kill");
        } finally {
            investigation.dispose();
        }
        ResponsePolicies policies = new ResponsePolicies(dir.resolve("response"));
        try {
            assertThat(policies.get("contain-critical")).isPresent();
        } finally {
            policies.close();
        }
        try (ConsoleSessions sessions = new ConsoleSessions(dir.resolve("sessions"), CLOCK)) {
            assertThat(sessions.use(keptSession)).as("the session still signed in").isPresent();
            assertThat(sessions.use(signedOut)).as("the session signed out right before the kill").isEmpty();
        }
    }

    @Test
    void theDatabasesOfPeoplesWorkOpenWithoutAWriteDelay() throws Exception {
        Files.createDirectories(dir);
        try (Connection c = DriverManager.getConnection(EmbeddedH2.writtenAtCommit(dir.resolve("settings")), "sa", "");
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo("0");
        }
    }

    private String[] writeInAChildAndKillIt() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Writer.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("written ")) {
                System.out.println("child: " + line);
            }
            assertThat(line).as("the child wrote everything").isNotNull().startsWith("written ");
            return line.split(" ");
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Child process: writes as the server does, prints {@code written <alert> <incident> <session> <signed-out session>}, waits. */
    public static final class Writer {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            JdbcAlertStore alerts = JdbcAlertStore.h2(dir, CLOCK);
            RuleInfo rule = new RuleInfo("r-durable", "Durable", "high", "stable", List.of("T1059"), List.of("execution"), List.of(), "kiroku");
            Alert alert = alerts.open(new Occurrence(Alert.Kind.RULE, rule, "k-1", "a-1", "web-1", "p-1", CLOCK.instant(),
                    Map.of("process.name", "sh"), Map.of(), List.of()));
            alerts.triage(alert.id(), new Triage("acknowledged", "alice", "alice", CLOCK.instant()));
            alerts.setRuleEnabled("r-disabled", false);

            Files.createDirectories(dir.resolve("investigation"));
            JdbcConnectionPool investigation = JdbcConnectionPool.create(EmbeddedH2.url(dir.resolve("investigation/kiroku-investigation")), "sa", "");
            IncidentRepository incidents = new IncidentRepository(investigation, CLOCK);
            long incident = incidents.create("durable incident", new AlertRef(Long.toString(alert.id()), "r-durable", "Durable", "high",
                    "a-1", "web-1", "p-1", CLOCK.instant(), List.of()), List.of("p-1"), List.of("p-1"));
            incidents.addNote(incident, "alice", "written before the kill");

            new ResponsePolicies(dir.resolve("response")).put(new ResponsePolicy("contain-critical", "Contain critical", true, false,
                    new ResponsePolicy.Conditions(List.of(), "critical", List.of(), List.of()), List.of(ResponsePolicy.ISOLATE)));

            ConsoleSessions sessions = new ConsoleSessions(dir.resolve("sessions"), CLOCK);
            String kept = sessions.open("alice", Role.ANALYST).getKey();
            String signedOut = sessions.open("bob", Role.VIEWER).getKey();
            sessions.close(signedOut);

            System.out.println("written " + alert.id() + " " + incident + " " + kept + " " + signedOut);
            Thread.sleep(60_000);
        }
    }
}
