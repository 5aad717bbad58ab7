package dev.kiroku.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiroku.response.lab.NetworkNamespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Isolation of a real endpoint, end to end. The agent runs as its own process ({@code kiroku agent}) inside a network
 * namespace {@code ep}, connected to the server (a {@code kiroku server} process on the host end of a veth pair) and,
 * over a second veth pair, to another namespace {@code oth} where a service listens.
 * <ol>
 *     <li>Before: the endpoint reaches the other namespace.</li>
 *     <li>Isolated through {@code POST /api/v1/commands}: it cannot reach the other namespace, but the agent still
 *     talks to the server (a later command is delivered and answered; the inventory says {@code isolated}).</li>
 *     <li>{@code kiroku agent release} run at the machine (the real CLI main, inside the namespace): a wrong secret is
 *     refused and leaves the isolation in force; the agent's admin secret ({@code --release-secret-file}) ends it,
 *     and the endpoint reaches the other namespace again.</li>
 *     <li>Isolated again and released from the server: reachable again.</li>
 * </ol>
 */
class IsolationEndToEndTest {
    private static final int SERVICE_PORT = 7411;

    @Test
    void anIsolatedEndpointKeepsOnlyItsServerAndIsReleasedAtTheMachineOrFromTheServer(@TempDir Path data) throws Exception {
        Root.required();
        long pid = ProcessHandle.current().pid();
        Subnet subnet = Subnet.forThisProcess();
        String endpointToHost = subnet.address(1);
        String hostAddress = subnet.address(2);
        String endpointToOther = subnet.address(5);
        String otherAddress = subnet.address(6);
        int apiPort = KirokuProcesses.freePort();
        int fleetPort = KirokuProcesses.freePort();
        KirokuProcesses processes = new KirokuProcesses(data);
        List<AutoCloseable> cleanup = new ArrayList<>();
        try {
            NetworkNamespace endpoint = NetworkNamespace.create("kiroku-iso-ep-" + pid);
            cleanup.add(endpoint);
            NetworkNamespace other = NetworkNamespace.create("kiroku-iso-oth-" + pid);
            cleanup.add(other);
            linkToHost(endpoint, "kri" + pid % 100_000, endpointToHost, hostAddress);
            endpoint.linkTo(other, "kro" + pid % 100_000, endpointToOther + "/30", "krp" + pid % 100_000, otherAddress + "/30");
            ServerSocket service = other.call(() -> new ServerSocket(SERVICE_PORT, 50, InetAddress.getByName(otherAddress)));
            cleanup.add(service);
            serve(service);

            Path serverData = data.resolve("server");
            processes.start("server", "server", "--data", serverData.toString(), "--host", hostAddress,
                    "--port", "" + apiPort, "--fleet-port", "" + fleetPort, "--offline-after", "10s");
            Api api = new Api("https://" + hostAddress + ":" + apiPort, serverData.resolve("credentials"));
            KirokuProcesses.awaitHealthy(api);
            String token = api.post("/api/v1/tokens", "{\"expires\":\"1h\"}").path("token").asText();
            Path secret = secretFile(data.resolve("admin-secret"), "at the machine: 7f3c9a1e");
            Path wrong = secretFile(data.resolve("wrong-secret"), "somebody guessing 0000");
            Path agentData = data.resolve("agent");
            List<String> inEndpoint = List.of("ip", "netns", "exec", endpoint.name());
            processes.start("agent", inEndpoint, "agent", "--data", agentData.toString(), "--server", hostAddress + ":" + fleetPort,
                    "--token", token, "--sensors", "socket_inventory", "--heartbeat", "1s", "--host-name", "isolated-endpoint",
                    "--release-secret-file", secret.toString());
            String agent = await().atMost(Duration.ofSeconds(240)).until(() -> agentNamed(api, "isolated-endpoint"), id -> id != null);
            assertThat(reaches(endpoint, otherAddress)).as("before isolation").isTrue();

            // 2. Isolated from the server: only the server stays reachable, and the agent keeps talking to it.
            assertThat(run(api, agent, "isolate").path("state").asText()).isEqualTo("succeeded");
            assertThat(reaches(endpoint, otherAddress)).as("isolated: the other namespace").isFalse();
            assertThat(run(api, agent, "ping").path("output").asText()).as("a command after isolation").contains("pong");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(api.get("/api/v1/endpoints/" + agent).path("inventory").path("isolation").asText()).isEqualTo("isolated"));

            // 3. Released at the machine with the real CLI, in the endpoint's network.
            Process refused = cli(processes, inEndpoint, "release-wrong", "agent", "release", "--data", agentData.toString(),
                    "--secret-file", wrong.toString());
            assertThat(refused.exitValue()).as("a wrong secret").isNotZero();
            assertThat(processes.logText("release-wrong")).contains("kiroku agent release");
            assertThat(reaches(endpoint, otherAddress)).as("still isolated after a wrong secret").isFalse();
            Process released = cli(processes, inEndpoint, "release", "agent", "release", "--data", agentData.toString(),
                    "--secret-file", secret.toString());
            assertThat(released.exitValue()).as(processes.logText("release")).isZero();
            assertThat(reaches(endpoint, otherAddress)).as("after the local release").isTrue();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(api.get("/api/v1/endpoints/" + agent).path("inventory").path("isolation").asText()).isEqualTo("not isolated"));

            // 4. Isolated again and released from the server.
            assertThat(run(api, agent, "isolate").path("state").asText()).isEqualTo("succeeded");
            assertThat(reaches(endpoint, otherAddress)).as("isolated again").isFalse();
            assertThat(run(api, agent, "release").path("state").asText()).isEqualTo("succeeded");
            assertThat(reaches(endpoint, otherAddress)).as("after the release from the server").isTrue();
        } finally {
            processes.close();
            for (AutoCloseable resource : cleanup.reversed()) resource.close();
        }
    }

    /** A veth pair from the host into the namespace (/30); deleting the namespace deletes the pair. */
    private static void linkToHost(NetworkNamespace namespace, String name, String inside, String onHost) throws Exception {
        exec("ip", "link", "add", name + "h", "type", "veth", "peer", "name", name + "n", "netns", namespace.name());
        exec("ip", "addr", "add", onHost + "/30", "dev", name + "h");
        exec("ip", "link", "set", name + "h", "up");
        namespace.exec("ip", "addr", "add", inside + "/30", "dev", name + "n");
        namespace.exec("ip", "link", "set", name + "n", "up");
    }

    private static void exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(String.join(" ", command) + ": " + out);
    }

    private static void serve(ServerSocket service) {
        Thread.ofPlatform().daemon().start(() -> {
            while (!service.isClosed()) {
                try (Socket s = service.accept()) {
                    s.getOutputStream().write('k');
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** True when a connection from the endpoint's namespace to the service gets its answer within 2 s. */
    private static boolean reaches(NetworkNamespace endpoint, String address) throws Exception {
        return endpoint.call(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, SERVICE_PORT), 2000);
                s.setSoTimeout(2000);
                return s.getInputStream().read() == 'k';
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static Path secretFile(Path file, String secret) throws IOException {
        Files.writeString(file, secret + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** Issues a command to the agent and returns its delivery once it finished. */
    private static JsonNode run(Api api, String agent, String type) {
        String id = api.post("/api/v1/commands", "{\"target\":\"agent:" + agent + "\",\"type\":\"" + type + "\",\"parameters\":{}}")
                .path("id").asText();
        return await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/api/v1/commands/" + id).path("deliveries").path(0),
                d -> d.path("state").asText().equals("succeeded") || d.path("state").asText().equals("failed"));
    }

    private static Process cli(KirokuProcesses processes, List<String> prefix, String name, String... args) throws Exception {
        Process process = processes.start(name, prefix, args);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(name + " finished").isTrue();
        return process;
    }

    private static String agentNamed(Api api, String hostName) {
        for (JsonNode e : api.get("/api/v1/endpoints").path("endpoints")) {
            if (hostName.equals(e.path("hostName").asText()) && "online".equals(e.path("status").asText())) return e.path("agentId").asText();
        }
        return null;
    }
}
