package dev.kiroku.investigate;

import dev.kiroku.investigate.api.InvestigationJson;
import dev.kiroku.investigate.incident.ClosureReport;
import dev.kiroku.investigate.incident.ClosureReportHtml;
import dev.kiroku.investigate.incident.Incident;
import dev.kiroku.investigate.incident.IncidentRepository;
import dev.kiroku.investigate.incident.IncidentStatus;
import dev.kiroku.investigate.incident.Incidents;
import dev.kiroku.investigate.incident.Indicator;
import dev.kiroku.investigate.workflow.AlertRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Alerts grouped by causal root into incidents, worked on, and closed with a report, over the two-host intrusion. */
class IncidentsTest {

    private static AlertRef alert(String id, String rule, Fleet.Proc p) {
        return new AlertRef(id, rule, rule.replace('_', ' '), "high", p.agent(), p.host(), p.id(), Intrusion.T0.plusSeconds(30),
                List.of(Map.of("process.entity_id", p.id(), "destination.domain", "evil.example.com")));
    }

    @Test
    void alertsSharingACausalRootFormOneIncidentThatClosesWithAReport(@TempDir Path dir) throws Exception {
        try (Intrusion intrusion = new Intrusion(dir)) {
            IncidentRepository repository = new IncidentRepository(intrusion.database, InstantSource.system());
            Incidents incidents = new Incidents(repository, intrusion.investigator, intrusion.inventory);

            Incident first = incidents.raise(alert("1", "c2_beacon", intrusion.implant));
            Incident second = incidents.raise(alert("2", "download_to_tmp", intrusion.curl));
            Incident third = incidents.raise(alert("3", "ssh_from_dropped_binary", intrusion.lateralShell));
            // The shell that fetched and started the implant: its own causal root is itself, its child's is the implant.
            Incident launcher = incidents.raise(alert("3b", "download_chmod_execute", intrusion.webShell));
            Incident other = incidents.raise(alert("4", "database_connect", intrusion.dbService));

            assertThat(second.id()).isEqualTo(first.id());
            assertThat(third.id()).isEqualTo(first.id());
            assertThat(launcher.id()).isEqualTo(first.id());
            assertThat(other.id()).isNotEqualTo(first.id());
            Incident grouped = incidents.get(first.id());
            assertThat(grouped.alerts()).extracting(AlertRef::ruleId).containsExactly("c2_beacon", "download_to_tmp", "ssh_from_dropped_binary",
                    "download_chmod_execute");
            assertThat(grouped.causalRoots()).contains(intrusion.implant.id());
            assertThat(grouped.status()).isEqualTo(IncidentStatus.NEW);

            repository.setStatus(first.id(), IncidentStatus.INVESTIGATING);
            repository.setAssignee(first.id(), "mika");
            repository.addNote(first.id(), "mika", "implant beacons every minute <b>");
            repository.addAction(first.id(), "kill_process", intrusion.implant.id(), "agent-a", "mika", "done");
            repository.setStatus(first.id(), IncidentStatus.CONTAINED);

            assertThat(incidents.timeline(first.id())).extracting(t -> t.summary())
                    .contains("exec: /tmp/.x/implant", "connect 203.0.113.5:443", "creation /etc/cron.d/implant", "connect 198.51.100.7:80");
            assertThat(incidents.timeline(first.id())).isSortedAccordingTo(java.util.Comparator.comparing(t -> t.time()));

            List<Indicator> indicators = incidents.indicators(first.id()).indicators();
            assertThat(indicators).extracting(i -> i.type() + " " + i.value()).contains("sha256 " + Intrusion.IMPLANT_SHA,
                    "ip 203.0.113.5", "ip 198.51.100.7", "domain evil.example.com", "path /tmp/.x/implant", "path /etc/cron.d/implant");

            assertThatThrownBy(() -> incidents.close(first.id(), " ", null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("closing incident " + first.id() + " needs a root cause and a scope");
            assertThatThrownBy(() -> repository.setStatus(first.id(), IncidentStatus.CLOSED)).hasMessageContaining("root cause and scope");
            assertThatThrownBy(() -> incidents.get(9999)).isInstanceOf(NoSuchElementException.class).hasMessage("no incident 9999");

            ClosureReport report = incidents.close(first.id(), "implant downloaded by curl from evil.example.com in an ssh session",
                    "web-1 ran it, db-1 entered over ssh, app-2 holds a dormant copy");
            assertThat(report.status()).isEqualTo(IncidentStatus.CLOSED);
            assertThat(report.closed()).isNotNull();
            assertThat(report.rootCauseChain().getFirst()).contains("implant");
            assertThat(String.join("\n", report.rootCauseChain())).contains("download origin: 198.51.100.7:80");
            assertThat(report.affectedEndpoints()).contains("web-1", "db-1");
            assertThat(report.checkedEndpoints()).containsExactly("agent-a", "agent-b", "agent-c");
            assertThat(report.openRisks()).anySatisfy(r -> assertThat(r).contains("dormant copy").contains("app-2"));
            assertThat(report.openRisks()).anySatisfy(r -> assertThat(r).contains("/etc/cron.d/implant"));
            assertThat(report.actions()).extracting(a -> a.action()).containsExactly("kill_process");

            String html = ClosureReportHtml.render(report);
            assertThat(html).startsWith("<!DOCTYPE html>").contains("@media print").contains("203.0.113.5")
                    .contains("implant beacons every minute &lt;b&gt;").doesNotContain("<script").doesNotContain("<link").doesNotContain("src=");
            String json = InvestigationJson.mapper().writeValueAsString(report);
            assertThat(json).contains("\"root_cause_chain\"").contains("\"open_risks\"");

            assertThatThrownBy(() -> incidents.close(first.id(), "x", "y")).hasMessageContaining("already closed");
            // A new alert on the same chain after closing opens a new incident.
            assertThat(incidents.raise(alert("5", "c2_beacon", intrusion.implant)).id()).isNotEqualTo(first.id());
        }
    }
}
