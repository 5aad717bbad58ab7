package dev.kiroku.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;
import java.util.concurrent.Callable;

/** The endpoints the server knows. */
@Command(name = "endpoints", mixinStandardHelpOptions = true,
        description = "List enrolled endpoints: status, last seen, events, lag, OS, addresses.",
        subcommands = {EndpointsCommand.Show.class, EndpointsCommand.Revoke.class})
final class EndpointsCommand implements Callable<Integer> {
    @Mixin
    ServerAddress server;

    @Option(names = "--json", description = "print the server's answer as JSON")
    boolean json;

    @Override
    public Integer call() {
        try {
            JsonNode body = new ApiClient(server.url()).get("/api/v1/endpoints", Map.of());
            if (json) {
                System.out.println(body.toPrettyString());
                return 0;
            }
            System.out.printf("%-36s %-20s %-8s %-20s %10s %8s  %s%n", "AGENT", "HOST", "STATUS", "LAST SEEN", "EVENTS", "LAG", "OS / KERNEL");
            for (JsonNode e : body.path("endpoints")) {
                JsonNode inventory = e.path("inventory");
                System.out.printf("%-36s %-20s %-8s %-20s %10d %8d  %s %s / %s%n", e.path("agentId").asText(), e.path("hostName").asText(),
                        e.path("status").asText(), shortTime(e.path("lastSeen").asText("")), e.path("eventsReceived").asLong(),
                        e.path("lag").asLong(), inventory.path("osName").asText("?"), inventory.path("osVersion").asText(""),
                        inventory.path("kernel").asText("?"));
            }
            return 0;
        } catch (ApiClient.ApiException e) {
            System.err.println("kiroku endpoints: " + e.getMessage());
            return 1;
        }
    }

    private static String shortTime(String instant) {
        return instant.length() > 19 ? instant.substring(0, 19).replace('T', ' ') : instant;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One endpoint with its full inventory, as JSON.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ServerAddress server;

        @Parameters(paramLabel = "AGENT_ID")
        String agentId;

        @Override
        public Integer call() {
            try {
                System.out.println(new ApiClient(server.url()).get("/api/v1/endpoints/" + RulesCommand.PathSegment.encode(agentId), Map.of()).toPrettyString());
                return 0;
            } catch (ApiClient.ApiException e) {
                System.err.println("kiroku endpoints show: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Unenrol an endpoint: its certificate is refused from now on.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        ServerAddress server;

        @Parameters(paramLabel = "AGENT_ID")
        String agentId;

        @Override
        public Integer call() {
            try {
                JsonNode body = new ApiClient(server.url()).post("/api/v1/endpoints/" + RulesCommand.PathSegment.encode(agentId) + "/revoke", Map.of(), null, null);
                System.out.printf("agent %s (%s) revoked at %s%n", agentId, body.path("hostName").asText(), body.path("revoked").asText());
                return 0;
            } catch (ApiClient.ApiException e) {
                System.err.println("kiroku endpoints revoke: " + e.getMessage());
                return 1;
            }
        }
    }
}
