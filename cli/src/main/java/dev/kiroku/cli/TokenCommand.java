package dev.kiroku.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

/** Enrolment tokens. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Enrolment tokens for agents.",
        subcommands = TokenCommand.Create.class)
final class TokenCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an enrolment token (printed once; the server keeps only its hash).")
    static final class Create implements Callable<Integer> {
        @Mixin
        ServerAddress server;

        @Option(names = "--expires", defaultValue = "24h", description = "how long agents may enrol with it (default ${DEFAULT-VALUE})")
        String expires;

        @Option(names = "--group", defaultValue = "default", description = "the group enrolled agents join (default ${DEFAULT-VALUE})")
        String group;

        @Override
        public Integer call() {
            try {
                JsonNode body = new ApiClient(server.url()).post("/api/v1/tokens", Map.of(),
                        "{\"expires\":" + quote(expires) + ",\"group\":" + quote(group) + "}", "application/json");
                System.out.println(body.path("token").asText());
                System.err.printf("valid for %s; agents enrol with: ./kiroku agent --server HOST:%d --token <token>%n",
                        body.path("expiresIn").asText(), body.path("fleetPort").asInt());
                return 0;
            } catch (ApiClient.ApiException e) {
                System.err.println("kiroku token create: " + e.getMessage());
                return 1;
            }
        }
    }

    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
