package dev.kiroku.it;

import dev.kiroku.server.KirokuServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

import static dev.kiroku.it.ServerRest.rest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real agent (fanotify file sensor) enrolled with a real server: a newly written executable's file event carries the
 * SHA-256, MD5 and SHA-1 of its content (a text file's does not); a hash list imported with {@code kiroku ioc import}
 * finds the earlier event by its automatic retro-hunt (a retrospective alert) and by {@code kiroku ioc hunt} /
 * {@code POST /api/v1/indicators/hunt} (endpoint, process, time, event); an MD5 imported before its file is written raises a live alert when the file appears.
 */
class FileHashIndicatorTest {
    @Test
    void writtenExecutablesCarryTheirHashesAndHashIndicatorsFindThemLiveAndInRetroHunts(@TempDir Path directory) throws Exception {
        Path drop = Files.createDirectories(directory.resolve("drop"));
        try (EnrolledEndpoint endpoint = EnrolledEndpoint.watching(directory, "hasher")) {
            KirokuServer server = endpoint.server;
            String id = endpoint.agentId();
            // a script without an execute bit: an executable by its #! line
            byte[] script = ("#!/bin/sh\necho first dropper " + System.nanoTime() + "\n").getBytes(StandardCharsets.UTF_8);
            Path first = written(drop.resolve("first-dropper"), script);
            Path notes = written(drop.resolve("notes.txt"), ("plain text " + System.nanoTime() + "\n").getBytes(StandardCharsets.UTF_8));
            String sha256 = digest("SHA-256", script);
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(endpoint.events(
                    "event.category:file AND agent.id:" + id + " AND file.hash.sha256:" + sha256))
                    .contains(first.toString()).contains("\"file.hash.md5\":\"" + digest("MD5", script) + "\"")
                    .contains("\"file.hash.sha1\":\"" + digest("SHA-1", script) + "\""));
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(endpoint.events(
                    "event.category:file AND agent.id:" + id + " AND file.name:notes.txt"))
                    .contains(notes.toString()).doesNotContain("file.hash."));

            // Retro-hunt: imported after the fact, through the command line.
            Path incident = Files.writeString(directory.resolve("incident-7.txt"), "# dropper seen on another host\n" + sha256 + "\n");
            System.setProperty("kiroku.credentials", server.credentialsFile().toString());
            CommandLineTest.Run cli = CommandLineTest.kiroku("ioc", "import", "--server", server.url(), incident.toString());
            assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
            assertThat(cli.out()).contains("1 indicators stored, 1 evaluable");
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(endpoint.alerts())
                    .contains("Retrospective indicator match").contains(sha256).contains(first.toString()));
            CommandLineTest.Run hunt = CommandLineTest.kiroku("ioc", "hunt", "--server", server.url(), "--source", "incident-7.txt");
            assertThat(hunt.exitCode()).as(hunt.out() + hunt.err()).isZero();
            assertThat(hunt.out()).containsPattern("^[1-9]\\d* hits, ").contains(first.toString()).contains("sha256 " + sha256);
            HttpResponse<String> one = rest(server, "POST", "/api/v1/indicators/hunt?source=incident-7.txt&limit=1", null);
            assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
            assertThat(one.body()).contains("\"results\":[{").contains("\"file.hash.sha256\":\"" + sha256 + "\"");

            // Live: the MD5 of an ELF executable is known before it is written.
            byte[] elf = appended(Files.readAllBytes(Path.of("/bin/true")), ("second " + System.nanoTime()).getBytes(StandardCharsets.UTF_8));
            String md5 = digest("MD5", elf);
            HttpResponse<String> imported = rest(server, "POST", "/api/v1/indicators?name=incident-8.txt", md5 + "\n");
            assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
            Path second = written(drop.resolve("second.bin"), elf);
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(endpoint.alerts())
                    .contains("Indicator match: ").contains(md5).contains(second.toString()));
        }
    }

    private static Path written(Path file, byte[] content) throws Exception {
        return EnrolledEndpoint.writtenByAnotherProcess(file, content, false);
    }

    private static byte[] appended(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String digest(String algorithm, byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
    }
}
