package dev.kiroku.response.destinations;

import dev.kiroku.response.ActionResult;
import dev.kiroku.response.KernelAssumptions;
import dev.kiroku.response.NetnsLab;
import dev.kiroku.response.Outcome;
import dev.kiroku.response.nft.Nft;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Destination blocks inside a namespace pair. */
class DestinationBlockerTest {
    private static final int PORT = 18080;

    @TempDir
    Path dir;

    @BeforeAll
    static void kernel() {
        KernelAssumptions.assumeNft();
    }

    @Test
    void blocksAddressesNetworksAndDomainsAndLiftsThem() throws Exception {
        try (NetnsLab lab = new NetnsLab("d")) {
            lab.listenInPeer(PORT);
            Nft nft = Nft.inNamespace(lab.endpoint.name());
            DestinationBlocker blocker = new DestinationBlocker(nft, dir.resolve("dest.json"),
                    DestinationBlocker.systemResolver(), Set.of("198.51.100.7"));
            BlockDestinationAction block = new BlockDestinationAction(blocker, true);
            BlockDestinationAction unblock = new BlockDestinationAction(blocker, false);

            List<ActionResult> ordered = block.run(Map.of("targets",
                    lab.peerAddress + ", 10.0.0.300, 10.9.0.0/40, bad_domain!, 198.51.100.7, 2001:db8::/32"));
            assertThat(ordered).extracting(ActionResult::target).as("one result per target, in order")
                    .containsExactly(lab.peerAddress, "10.0.0.300", "10.9.0.0/40", "bad_domain!", "198.51.100.7", "2001:db8::/32");
            Map<String, ActionResult> r = byTarget(ordered);
            assertThat(r.get(lab.peerAddress).outcome()).isEqualTo(Outcome.DONE);
            assertThat(r.get("10.0.0.300").outcome()).isEqualTo(Outcome.FAILED);
            assertThat(r.get("10.9.0.0/40").detail()).contains("prefix length must be 1-32");
            assertThat(r.get("bad_domain!").detail()).contains("neither an IP address");
            assertThat(r.get("198.51.100.7").detail()).contains("Kiroku server");
            assertThat(r.get("2001:db8::/32").outcome()).isEqualTo(Outcome.DONE);
            assertThat(lab.endpointReaches(lab.peerAddress, PORT, 1000)).as("blocked address").isFalse();
            assertThat(block.run(Map.of("targets", lab.peerAddress)).getFirst().outcome()).isEqualTo(Outcome.ALREADY);

            assertThat(unblock.run(Map.of("targets", lab.peerAddress)).getFirst().outcome()).isEqualTo(Outcome.DONE);
            assertThat(lab.endpointReaches(lab.peerAddress, PORT, 2000)).as("unblocked").isTrue();

            // A network around the peer, with host bits given: normalised to 10.213.0.0/16.
            ActionResult net = block.run(Map.of("targets", "10.213.77.77/16")).getFirst();
            assertThat(net.outcome()).as(net.detail()).isEqualTo(Outcome.DONE);
            assertThat(blocker.current().networks()).contains("10.213.0.0/16");
            assertThat(lab.endpointReaches(lab.peerAddress, PORT, 1000)).as("blocked network").isFalse();
            // Survives an agent restart: a new blocker re-applies the saved state after the table vanished.
            nft.command("delete", "table", "inet", DestinationBlocker.TABLE);
            assertThat(lab.endpointReaches(lab.peerAddress, PORT, 2000)).isTrue();
            DestinationBlocker restarted = new DestinationBlocker(nft, dir.resolve("dest.json"),
                    DestinationBlocker.systemResolver(), Set.of());
            assertThat(restarted.reapplyOnStart().outcome()).isEqualTo(Outcome.DONE);
            assertThat(lab.endpointReaches(lab.peerAddress, PORT, 1000)).isFalse();
            new BlockDestinationAction(restarted, false).run(Map.of("targets", "10.213.0.0/16, 2001:db8::/32"));
            assertThat(lab.endpointReaches(lab.peerAddress, PORT, 2000)).isTrue();
            assertThat(nft.tableExists("inet", DestinationBlocker.TABLE)).as("empty: table removed").isFalse();
        }
    }

    @Test
    void domainsAreBlockedByTheirAddressesAndRefreshed() throws Exception {
        try (NetnsLab lab = new NetnsLab("n")) {
            lab.listenInPeer(PORT);
            // A hosts file this test controls, resolved by the JDK's own literal parsing.
            Path hosts = dir.resolve("hosts");
            Files.writeString(hosts, "c2.example.test 10.99.0.1\n");
            DestinationBlocker.Resolver fromFile = domain -> {
                Map<String, String> table;
                try {
                    table = Files.readAllLines(hosts).stream().map(l -> l.split(" "))
                            .collect(Collectors.toMap(a -> a[0], a -> a[1]));
                } catch (java.io.IOException e) {
                    throw new java.net.UnknownHostException("hosts file unreadable: " + e.getMessage());
                }
                if (!table.containsKey(domain)) {
                    throw new java.net.UnknownHostException(domain);
                }
                return Arrays.stream(table.get(domain).split(",")).map(ip -> {
                    try {
                        return InetAddress.getByName(ip);
                    } catch (java.net.UnknownHostException e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
            };
            Nft nft = Nft.inNamespace(lab.endpoint.name());
            DestinationBlocker blocker = new DestinationBlocker(nft, dir.resolve("d.json"), fromFile, Set.of());
            ActionResult r = blocker.block(List.of("C2.example.test")).getFirst();
            assertThat(r.outcome()).as(r.detail()).isEqualTo(Outcome.DONE);
            assertThat(lab.endpointReaches(lab.peerAddress, PORT, 2000)).isTrue();
            assertThat(blocker.block(List.of("unknown.example.test")).getFirst().detail()).contains("cannot resolve");

            Files.writeString(hosts, "c2.example.test 10.99.0.1," + lab.peerAddress + "\n");
            try (AutoCloseable refresh = blocker.refreshEvery(java.time.Duration.ofMillis(200))) {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                        .until(() -> blocker.current().domains().get("c2.example.test").contains(lab.peerAddress));
            }
            assertThat(lab.endpointReaches(lab.peerAddress, PORT, 1000)).as("new address of the domain").isFalse();
            Files.writeString(hosts, "");
            assertThat(blocker.refreshDomains()).as("resolver outage keeps the block").isEmpty();
            assertThat(lab.endpointReaches(lab.peerAddress, PORT, 1000)).isFalse();
            assertThat(blocker.unblock(List.of("c2.example.test")).getFirst().outcome()).isEqualTo(Outcome.DONE);
            assertThat(lab.endpointReaches(lab.peerAddress, PORT, 2000)).isTrue();

            // The JDK resolver: localhost, blocked inside the endpoint namespace only.
            DestinationBlocker system = new DestinationBlocker(nft, dir.resolve("s.json"), DestinationBlocker.systemResolver(), Set.of());
            ServerSocket local = lab.endpoint.call(() -> new ServerSocket(PORT, 5, InetAddress.getLoopbackAddress()));
            try {
                assertThat(system.block(List.of("localhost")).getFirst().outcome()).isEqualTo(Outcome.DONE);
                boolean reached = lab.endpoint.call(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new java.net.InetSocketAddress("127.0.0.1", PORT), 800);
                        return true;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
                assertThat(reached).isFalse();
            } finally {
                local.close();
                system.unblock(List.of("localhost"));
            }
        }
    }

    private static Map<String, ActionResult> byTarget(List<ActionResult> results) {
        return results.stream().collect(Collectors.toMap(ActionResult::target, Function.identity()));
    }
}
