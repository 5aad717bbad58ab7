package dev.kiroku.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** Commands to agents: send, list, show. */
@Command(name = "commands", mixinStandardHelpOptions = true, description = "Send commands to agents and see their results.",
        subcommands = {CommandsCommand.Send.class, CommandsCommand.Show.class})
final class CommandsCommand implements Callable<Integer> {
    @Mixin
    ServerAddress server;

    @Override
    public Integer call() {
        try {
            print(new ApiClient(server.url()).get("/api/v1/commands", Map.of()).path("commands"));
            return 0;
        } catch (ApiClient.ApiException e) {
            System.err.println("kiroku commands: " + e.getMessage());
            return 1;
        }
    }

    static void print(JsonNode deliveries) {
        System.out.printf("%-36s %-18s %-36s %-10s %-8s %s%n", "COMMAND", "TYPE", "AGENT", "STATE", "BY", "OUTPUT");
        for (JsonNode d : deliveries) {
            System.out.printf("%-36s %-18s %-36s %-10s %-8s %s%n", d.path("id").asText(), d.path("type").asText(), d.path("agentId").asText(),
                    d.path("state").asText(), d.path("issuedBy").asText(), d.path("output").asText(""));
        }
    }

    @Command(name = "send", mixinStandardHelpOptions = true, description = "Send a command (waits on the server for offline agents until it expires).")
    static final class Send implements Callable<Integer> {
        @Mixin
        ServerAddress server;

        @Option(names = "--target", required = true, description = "agent:ID, group:NAME or all")
        String target;

        @Parameters(index = "0", paramLabel = "TYPE", description = "ping, inventory.refresh, policy.apply, policy.status, …")
        String type;

        @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "a parameter (repeatable)")
        Map<String, String> parameters = new LinkedHashMap<>();

        @Option(names = "--expires", defaultValue = "1h", description = "drop the command if not delivered within (default ${DEFAULT-VALUE})")
        String expires;

        @Override
        public Integer call() {
            ObjectNode body = new ObjectMapper().createObjectNode().put("target", target).put("type", type).put("expires", expires);
            ObjectNode params = body.putObject("parameters");
            parameters.forEach(params::put);
            try {
                JsonNode answer = new ApiClient(server.url()).post("/api/v1/commands", Map.of(), body.toString(), "application/json");
                System.out.println(answer.path("id").asText());
                System.err.printf("sent to %d agent(s), expires %s%n", answer.path("agents").size(), answer.path("expires").asText());
                return 0;
            } catch (ApiClient.ApiException e) {
                System.err.println("kiroku commands send: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One command's delivery to each agent and its result.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ServerAddress server;

        @Parameters(paramLabel = "COMMAND_ID")
        String id;

        @Override
        public Integer call() {
            try {
                print(new ApiClient(server.url()).get("/api/v1/commands/" + RulesCommand.PathSegment.encode(id), Map.of()).path("deliveries"));
                return 0;
            } catch (ApiClient.ApiException e) {
                System.err.println("kiroku commands show: " + e.getMessage());
                return 1;
            }
        }
    }
}
