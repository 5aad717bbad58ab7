package dev.kiroku.it;

import dev.kiroku.cli.Main;
import dev.kiroku.event.Event;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.server.KirokuServer;
import dev.kiroku.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The kiroku command against a real server: what a user types and what it prints. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandLineTest {
    KirokuServer server;
    Path data;

    record Run(int exitCode, String out, String err) {
    }

    static synchronized Run kiroku(String... args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    @BeforeAll
    void start(@TempDir Path directory) throws Exception {
        data = directory;
        server = new KirokuServer(new ServerConfig(directory.resolve("server"), "127.0.0.1", 0, Duration.ofDays(30)),
                InstantSource.system()).start();
        System.setProperty("kiroku.credentials", server.credentialsFile().toString());
        Instant now = Instant.now();
        ProcessInfo curl = new ProcessInfo("e-curl", 4242, now, new ProcessInfo.ParentRef("e-bash", 4000, "/usr/bin/bash", List.of("bash")),
                "/usr/bin/curl", List.of("curl", "-s", "http://127.0.0.1:8080/"), "/root", null,
                new ProcessInfo.Credentials(0, "root", 0, "root", 0, 0, 0), 1, null, null);
        List<Event> events = new ArrayList<>();
        events.add(new Event("agent-cli", 1, now, "host-a", List.of(), new ProcessStart(curl, false)));
        events.add(new Event("agent-cli", 2, now.plusMillis(5), "host-a", List.of(),
                new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", null, 0, "127.0.0.1", 8080, true, curl)));
        events.add(new Event("agent-cli", 3, now.plusMillis(9), "host-b", List.of(),
                new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", null, 0, "10.1.2.3", 443, true, curl)));
        server.ingest().deliver(events);
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void searchPrintsMatchingEventsCountsAndBuckets() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Run run = kiroku("search", "--server", server.url(), "process.name:curl AND destination.ip:127.0.0.1", "--last", "1h");
            assertThat(run.exitCode()).isZero();
            assertThat(run.out().lines()).singleElement().asString().contains("connect").contains("127.0.0.1:8080").contains("curl[4242]");
        });
        assertThat(kiroku("search", "--server", server.url(), "--count", "process.name:curl").out().trim()).isEqualTo("3");
        assertThat(kiroku("search", "--server", server.url(), "--by", "host.name", "event.action:connect").out())
                .contains("host-a").contains("host-b");
        assertThat(kiroku("search", "--server", server.url(), "--json", "destination.port:443").out().trim())
                .startsWith("{").contains("\"destination.ip\":\"10.1.2.3\"");
    }

    @Test
    void aWrongQueryExitsWithTwoAndPointsAtTheProblem() {
        Run run = kiroku("search", "--server", server.url(), "process.name:(curl");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("position").contains("^");
    }

    @Test
    void anUnreachableServerIsNamed() {
        Run run = kiroku("search", "--server", "http://127.0.0.1:1", "x");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no Kiroku server answers at http://127.0.0.1:1");
    }

    @Test
    void sigmaLintPrintsOneObjectPerFileAndASummary() throws Exception {
        Path rules = Files.createDirectories(data.resolve("lint"));
        Files.writeString(rules.resolve("good.yml"), """
                title: Curl to loopback
                id: 0f0e3b7a-7c55-4c38-9f57-2d3f0c8a1b11
                logsource: {product: linux, category: process_creation}
                detection:
                  selection: {Image|endswith: /curl}
                  condition: selection
                level: low
                """);
        Files.writeString(rules.resolve("bad.yml"), """
                title: Unknown modifier
                logsource: {product: linux, category: process_creation}
                detection:
                  selection: {Image|sometimes: /curl}
                  condition: selection
                """);
        Run run = kiroku("sigma", "lint", "--json", rules.toString());
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("good.yml").contains("\"status\":\"loaded\""));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("bad.yml").contains("\"status\":\"refused\"").contains("sometimes"));
        assertThat(lines.getLast()).isEqualTo("{\"summary\":{\"loaded\":1,\"refused\":1}}");
    }

    @Test
    void huntPrintsJsonMatchesAndCountsOnStandardError() throws Exception {
        Path rules = Files.createDirectories(data.resolve("hunt-rules"));
        Files.writeString(rules.resolve("whoami.yml"), """
                title: Whoami
                id: 6c1f4a52-3a41-4d8e-8a67-0b8c0e9d7f21
                logsource: {product: linux, category: process_creation}
                detection:
                  selection: {CommandLine|contains: whoami}
                  condition: selection
                level: low
                """);
        Path log = Files.writeString(data.resolve("events.json"), """
                {"CommandLine": "whoami", "Image": "/usr/bin/whoami"}
                {"CommandLine": "id", "Image": "/usr/bin/id"}
                not json
                {"CommandLine": "sh -c whoami", "Image": "/bin/sh"}
                """);
        Run run = kiroku("hunt", "--rules", rules.toString(), "--format", "json", log.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines()).hasSize(2).allSatisfy(l -> assertThat(l).contains("\"rule_id\":\"6c1f4a52-3a41-4d8e-8a67-0b8c0e9d7f21\""));
        assertThat(run.err()).contains("events.json");
    }

    @Test
    void importedIndicatorsHuntBackListAndRemove() throws Exception {
        Path list = data.resolve("c2-addresses.txt");
        Files.writeString(list, "# addresses seen in incident 7\n10.1.2.3\nnot an indicator !!\n");
        Run imported = kiroku("ioc", "import", "--server", server.url(), list.toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("1 indicators stored, 1 evaluable").contains("c2-addresses.txt:3: not a hash");

        // the retro-hunt over the stored history finds host-b's connection to 10.1.2.3
        await().atMost(Duration.ofSeconds(30)).until(() ->
                kiroku("alerts", "--server", server.url(), "--json").out().contains("Retrospective indicator match"));
        assertThat(kiroku("ioc", "list", "--server", server.url()).out()).contains("10.1.2.3");

        Run removed = kiroku("ioc", "remove", "--server", server.url(), "--source", "c2-addresses.txt");
        assertThat(removed.out()).contains("removed 1");
        assertThat(kiroku("ioc", "list", "--server", server.url()).out()).doesNotContain("10.1.2.3");
        assertThat(kiroku("ioc", "remove", "--server", server.url()).exitCode()).isEqualTo(2);
    }
}
