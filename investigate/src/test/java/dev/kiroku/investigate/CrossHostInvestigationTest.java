package dev.kiroku.investigate;

import dev.kiroku.investigate.history.Window;
import dev.kiroku.investigate.tracking.ChainLink;
import dev.kiroku.investigate.tracking.FileOrigin;
import dev.kiroku.investigate.tracking.Impact;
import dev.kiroku.investigate.tracking.RootCause;
import dev.kiroku.investigate.tracking.TrackingLimits;
import dev.kiroku.investigate.workflow.ArtifactScope;
import dev.kiroku.investigate.workflow.Clue;
import dev.kiroku.investigate.workflow.Investigation;
import dev.kiroku.investigate.workflow.Presence;
import dev.kiroku.investigate.workflow.TextReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.NoSuchElementException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The four steps over two endpoints and a third with a dormant copy, in a real Lucene store and a real H2 inventory. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossHostInvestigationTest {
    Intrusion intrusion;

    @BeforeAll
    void record(@TempDir Path dir) {
        intrusion = new Intrusion(dir, indexed());
    }

    /** Whether the investigator has the process record index beside the store (as in the server) or the store alone. */
    boolean indexed() {
        return false;
    }

    @AfterAll
    void close() {
        intrusion.close();
    }

    @Test
    void fromTheC2AddressTheImplantItsDownloadOriginItsDormantCopyAndItsLateralMoveAreFound() {
        Investigation inv = intrusion.investigator.investigate(new Clue.Address("203.0.113.5", 0), Window.ALL);

        assertThat(inv.contacts()).singleElement().satisfies(c -> {
            assertThat(c.hostName()).isEqualTo("web-1");
            assertThat(c.processEntityId()).isEqualTo(intrusion.implant.id());
            assertThat(c.remotes()).containsExactly("203.0.113.5:443");
        });

        RootCause chain = inv.chains().getFirst();
        assertThat(chain.chain()).extracting(l -> l.process().name()).containsExactly("implant", "bash", "sshd");
        assertThat(chain.boundary()).isEqualTo("sshd session");
        FileOrigin origin = chain.chain().getFirst().origins().getFirst();
        assertThat(origin.path()).isEqualTo("/tmp/.x/implant");
        assertThat(origin.writer().process().entityId()).isEqualTo(intrusion.curl.id());
        assertThat(origin.writer().download()).extracting(c -> c.remote()).containsExactly("198.51.100.7:80");
        assertThat(origin.writer().writerChain().chain()).extracting(l -> l.process().name()).containsExactly("curl", "bash", "sshd");
        assertThat(chain.causalRoot().entityId()).isEqualTo(intrusion.implant.id());

        ArtifactScope byHash = inv.scope().stream().filter(s -> Intrusion.IMPLANT_SHA.equals(s.sha256())).findFirst().orElseThrow();
        assertThat(byHash.endpoints()).extracting(Presence::hostName, Presence::state).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("web-1", Presence.State.CONNECTED_OUT),
                org.assertj.core.groups.Tuple.tuple("app-2", Presence.State.DORMANT));

        Impact impact = inv.impacts().getFirst();
        assertThat(impact.persistence()).extracting(f -> f.path() + " " + f.persistence()).containsExactly("/etc/cron.d/implant cron");
        assertThat(impact.lateral()).singleElement().satisfies(l -> {
            assertThat(l.acceptor().entityId()).isEqualTo(intrusion.dbSshd.id());
            assertThat(l.acceptor().hostName()).isEqualTo("db-1");
            assertThat(l.peerAddress()).isEqualTo("10.0.0.1");
        });
        assertThat(impact.graph().edges()).anySatisfy(e -> assertThat(e.kind().name()).isEqualTo("ACCEPTED"));

        String text = TextReport.render(inv);
        assertThat(text).contains("203.0.113.5:443", "download origin: 198.51.100.7:80", "DORMANT", "app-2", "persistence: cron", "db-1");
    }

    @Test
    void aSessionOnTheSecondEndpointLeadsBackAcrossHostsToTheShellThatOpenedIt() {
        RootCause rc = intrusion.investigator.rootCause().trace(intrusion.dbShell.id(), TrackingLimits.defaults());
        assertThat(rc.chain()).extracting(l -> l.process().name()).containsExactly("bash", "sshd-session");
        ChainLink session = rc.chain().getLast();
        assertThat(session.enteredFrom()).isNotNull();
        assertThat(session.enteredFrom().connection().processEntityId()).isEqualTo(intrusion.lateralShell.id());
        assertThat(session.enteredFrom().connection().hostName()).isEqualTo("web-1");
        assertThat(rc.processIds()).contains(intrusion.lateralShell.id());
    }

    @Test
    void byHashAndByFileNameTheDormantCopyIsReported() {
        Investigation byHash = intrusion.investigator.investigate(new Clue.Hash(Intrusion.IMPLANT_SHA), Window.ALL);
        assertThat(byHash.contacts()).extracting(c -> c.hostName()).containsExactly("web-1");
        assertThat(byHash.scope().getFirst().endpoints()).extracting(Presence::hostName).containsExactlyInAnyOrder("web-1", "app-2");

        Investigation byName = intrusion.investigator.investigate(new Clue.File("implant"), Window.ALL);
        assertThat(byName.contacts()).extracting(c -> c.relation()).contains("ran", "wrote it");
        ArtifactScope scope = byName.scope().getFirst();
        assertThat(scope.endpoints()).filteredOn(p -> p.hostName().equals("app-2")).singleElement()
                .satisfies(p -> {
                    assertThat(p.state()).isEqualTo(Presence.State.DORMANT);
                    assertThat(p.paths()).containsExactly("/opt/tools/implant");
                });

        Investigation byDomain = intrusion.investigator.investigate(new Clue.Domain("evil.example.com"), Window.ALL);
        assertThat(byDomain.contacts()).singleElement().satisfies(c -> {
            assertThat(c.processEntityId()).isEqualTo(intrusion.curl.id());
            assertThat(c.remotes()).containsExactly("198.51.100.7:80");
        });
    }

    @Test
    void noMatchUnknownIdsAndTooLargeWindowsGetClearAnswers() {
        Investigation none = intrusion.investigator.investigate(new Clue.Address("192.0.2.99", 0), Window.ALL);
        assertThat(none.found()).isFalse();
        assertThat(none.answers().getFirst()).isEqualTo("1. No endpoint contacted 192.0.2.99 in the retention window.");

        var alert = new dev.kiroku.investigate.workflow.AlertRef("17", "rule-x", "X", "high", "agent-a", "web-1", "no-such-entity",
                Instant.now(), java.util.List.of());
        assertThat(intrusion.investigator.investigate(new Clue.Alert(alert), Window.ALL).answers().getFirst())
                .contains("no-such-entity").contains("not in the record");

        assertThatThrownBy(() -> intrusion.investigator.investigate(new Clue.Address("203.0.113.5", 0),
                new Window(Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than the 400 days");
        assertThatThrownBy(() -> intrusion.investigator.rootCause().trace("nope", TrackingLimits.defaults()))
                .isInstanceOf(NoSuchElementException.class).hasMessageContaining("'nope'");
        assertThatThrownBy(() -> new Clue.Address("203.0.113", 0)).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> new Clue.Hash("abc")).hasMessageContaining("64 hexadecimal");
        assertThatThrownBy(() -> new Clue.Domain("no domain")).hasMessageContaining("not a domain");
    }

    @Test
    void forwardTrackingCutsFanOutSaysSoAndNeverMergesReusedPids() {
        Impact all = intrusion.investigator.impact().trace(intrusion.webShell.id(), TrackingLimits.defaults().withForwardWindow(Duration.ofHours(1)));
        assertThat(all.processes()).extracting(d -> d.process().entityId()).contains(intrusion.firstLs.id(), intrusion.reusedPidLs.id());
        assertThat(intrusion.firstLs.id()).isNotEqualTo(intrusion.reusedPidLs.id());
        assertThat(all.processes()).filteredOn(d -> d.process().pid() == 900).hasSize(2);

        Impact cut = intrusion.investigator.impact().trace(intrusion.webShell.id(),
                TrackingLimits.defaults().withForwardWindow(Duration.ofHours(1)).withMaxChildren(5));
        assertThat(cut.processes()).hasSize(1 + 5 + 1); // the shell, its first five children (curl, chmod, implant, two ls), the implant's shell
        assertThat(cut.cuts()).anySatisfy(c -> assertThat(c).contains("5 of its children followed (34 child execs recorded)"));

        Impact small = intrusion.investigator.impact().trace(intrusion.webShell.id(),
                TrackingLimits.defaults().withForwardWindow(Duration.ofHours(1)).withMaxNodes(10));
        assertThat(small.graph().nodes()).hasSize(10);
        assertThat(small.cuts()).anySatisfy(c -> assertThat(c).contains("node limit of 10"));

        Impact noFiles = intrusion.investigator.impact().trace(intrusion.implant.id(), TrackingLimits.defaults()
                .withEdges(java.util.EnumSet.of(dev.kiroku.investigate.graph.EdgeKind.SPAWNED)));
        assertThat(noFiles.files()).isEmpty();
        assertThat(noFiles.connections()).isEmpty();
        assertThat(noFiles.processes()).hasSize(2);
    }
}
