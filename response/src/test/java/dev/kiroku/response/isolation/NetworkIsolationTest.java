package dev.kiroku.response.isolation;

import dev.kiroku.response.ActionResult;
import dev.kiroku.response.KernelAssumptions;
import dev.kiroku.response.NetnsLab;
import dev.kiroku.response.Outcome;
import dev.kiroku.response.nft.Endpoint;
import dev.kiroku.response.nft.Nft;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Isolation in a namespace pair: the endpoint keeps only loopback and the allowed server port. */
class NetworkIsolationTest {
    private static final int SERVER_PORT = 18443;
    private static final int OTHER_PORT = 19090;

    @TempDir
    Path dir;

    @BeforeAll
    static void kernel() {
        KernelAssumptions.assumeNft();
    }

    @Test
    void isolatedEndpointReachesOnlyTheServerUntilReleased() throws Exception {
        try (NetnsLab lab = new NetnsLab("i")) {
            lab.listenInPeer(SERVER_PORT);
            lab.listenInPeer(OTHER_PORT);
            assertThat(lab.endpointReaches(lab.peerAddress, OTHER_PORT, 2000)).as("before isolation").isTrue();

            Nft nft = Nft.inNamespace(lab.endpoint.name());
            IsolationStateFile stateFile = new IsolationStateFile(dir.resolve("isolation.json"));
            NetworkIsolation isolation = new NetworkIsolation(nft, stateFile);
            IsolateAction isolate = new IsolateAction(isolation, List.of(Endpoint.parse(lab.peerAddress + ":" + SERVER_PORT)));

            ActionResult first = isolate.run(Map.of("release_secret", "correct horse battery", "requested_by", "alice"))
                    .getFirst();
            assertThat(first.outcome()).as(first.detail()).isEqualTo(Outcome.DONE);
            assertThat(lab.endpointReaches(lab.peerAddress, SERVER_PORT, 2000)).as("server while isolated").isTrue();
            assertThat(lab.endpointReaches(lab.peerAddress, OTHER_PORT, 1000)).as("other port while isolated").isFalse();
            assertThat(lab.peer.call(() -> reaches(lab.endpointAddress))).as("peer pings endpoint").isFalse();
            assertThat(isolate.run(Map.of()).getFirst().outcome()).as("idempotent").isEqualTo(Outcome.ALREADY);
            assertThat(isolation.status().isolated()).isTrue();
            assertThat(isolation.status().tableInForce()).isTrue();

            // A restart of the agent after someone flushed the ruleset (or a reboot) re-applies it.
            nft.command("delete", "table", "inet", IsolationRuleset.TABLE);
            assertThat(lab.endpointReaches(lab.peerAddress, OTHER_PORT, 2000)).isTrue();
            NetworkIsolation restarted = new NetworkIsolation(nft, new IsolationStateFile(dir.resolve("isolation.json")));
            assertThat(restarted.reapplyOnStart().outcome()).isEqualTo(Outcome.DONE);
            assertThat(lab.endpointReaches(lab.peerAddress, OTHER_PORT, 1000)).as("re-applied").isFalse();
            assertThat(lab.endpointReaches(lab.peerAddress, SERVER_PORT, 2000)).isTrue();

            // Local release needs the secret.
            assertThat(restarted.releaseLocally("wrong secret!".toCharArray()).outcome()).isEqualTo(Outcome.FAILED);
            assertThat(lab.endpointReaches(lab.peerAddress, OTHER_PORT, 1000)).isFalse();
            assertThat(Files.readString(stateFile.path())).doesNotContain("correct horse battery");
            ActionResult released = restarted.releaseLocally("correct horse battery".toCharArray());
            assertThat(released.outcome()).as(released.detail()).isEqualTo(Outcome.DONE);
            assertThat(lab.endpointReaches(lab.peerAddress, OTHER_PORT, 2000)).as("after release").isTrue();
            assertThat(nft.tableExists("inet", IsolationRuleset.TABLE)).isFalse();
            assertThat(new ReleaseAction(restarted).run(Map.of()).getFirst().outcome()).isEqualTo(Outcome.ALREADY);
            assertThat(restarted.reapplyOnStart().outcome()).isEqualTo(Outcome.ALREADY);
        }
    }

    @Test
    void theAgentsAdminSecretReleasesAnIsolationLocally() throws Exception {
        try (NetnsLab lab = new NetnsLab("l")) {
            lab.listenInPeer(OTHER_PORT);
            Nft nft = Nft.inNamespace(lab.endpoint.name());
            NetworkIsolation isolation = new NetworkIsolation(nft, new IsolationStateFile(dir.resolve("isolation.json")));
            // Isolated by the server without a release secret of its own.
            ActionResult isolated = isolation.isolate(List.of(Endpoint.parse(lab.peerAddress + ":" + SERVER_PORT)), null, "server");
            assertThat(isolated.outcome()).as(isolated.detail()).isEqualTo(Outcome.DONE);
            assertThat(lab.endpointReaches(lab.peerAddress, OTHER_PORT, 1000)).isFalse();
            assertThat(LocalRelease.release(dir, "agent admin secret".toCharArray(), nft).detail()).contains("no local release secret");

            LocalRelease.setSecret(dir, "agent admin secret".toCharArray());
            assertThat(Files.readString(dir.resolve("release-secret"))).doesNotContain("agent admin secret");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("release-secret"))))
                    .isEqualTo("rw-------");
            assertThat(LocalRelease.release(dir, "wrong secret".toCharArray(), nft).outcome()).isEqualTo(Outcome.FAILED);
            assertThat(lab.endpointReaches(lab.peerAddress, OTHER_PORT, 1000)).as("still isolated").isFalse();
            ActionResult released = LocalRelease.release(dir, "agent admin secret".toCharArray(), nft);
            assertThat(released.outcome()).as(released.detail()).isEqualTo(Outcome.DONE);
            assertThat(lab.endpointReaches(lab.peerAddress, OTHER_PORT, 2000)).as("after the local release").isTrue();
            assertThatThrownBy(() -> LocalRelease.setSecret(dir, "short".toCharArray())).hasMessageContaining("12 characters");
        }
    }

    @Test
    void releaseFromTheServerRemovesExactlyTheTable() throws Exception {
        try (NetnsLab lab = new NetnsLab("r")) {
            lab.listenInPeer(OTHER_PORT);
            Nft nft = Nft.inNamespace(lab.endpoint.name());
            nft.apply("table inet someone_else { chain c { type filter hook output priority 0; policy accept; }; }\n");
            NetworkIsolation isolation = new NetworkIsolation(nft, new IsolationStateFile(dir.resolve("s.json")));
            assertThat(isolation.isolate(List.of(Endpoint.parse(lab.peerAddress + ":" + SERVER_PORT)), null, "t").outcome())
                    .isEqualTo(Outcome.DONE);
            assertThat(lab.endpointReaches(lab.peerAddress, OTHER_PORT, 1000)).isFalse();
            assertThat(isolation.release("server").outcome()).isEqualTo(Outcome.DONE);
            assertThat(lab.endpointReaches(lab.peerAddress, OTHER_PORT, 2000)).isTrue();
            assertThat(nft.tableExists("inet", "someone_else")).as("other tables untouched").isTrue();
        }
    }

    @Test
    void missingNftablesFailsClearlyAndChangesNothing() throws Exception {
        try (NetnsLab lab = new NetnsLab("m")) {
            lab.listenInPeer(OTHER_PORT);
            Nft missing = new Nft(List.of("ip", "netns", "exec", lab.endpoint.name()), dir.resolve("no-such-nft"));
            IsolationStateFile stateFile = new IsolationStateFile(dir.resolve("m.json"));
            ActionResult r = new NetworkIsolation(missing, stateFile)
                    .isolate(List.of(Endpoint.parse(lab.peerAddress + ":" + SERVER_PORT)), null, "t");
            assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(r.detail()).contains("nftables is not installed").contains("network unchanged");
            assertThat(Files.exists(stateFile.path())).isFalse();
            assertThat(lab.endpointReaches(lab.peerAddress, OTHER_PORT, 2000)).isTrue();
            assertThat(Nft.inNamespace(lab.endpoint.name()).tableExists("inet", IsolationRuleset.TABLE)).isFalse();
        }
    }

    @Test
    void badEndpointsAreRejectedByName() {
        NetworkIsolation isolation = new NetworkIsolation(Nft.system(), new IsolationStateFile(dir.resolve("b.json")));
        ActionResult r = new IsolateAction(isolation, List.of()).run(Map.of("allow", "server.example:80")).getFirst();
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.detail()).contains("server.example").contains("not an IP address literal");
        ActionResult none = new IsolateAction(isolation, List.of()).run(Map.of()).getFirst();
        assertThat(none.detail()).contains("no allowed endpoint");
    }

    private static boolean reaches(String host) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(host, 22), 800);
            return true;
        } catch (java.net.ConnectException e) {
            return true; // an RST came back: the packet got through
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
