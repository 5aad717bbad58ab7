package dev.kiroku.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** Searches the recorded events of a running server. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Search recorded events, newest first. Query syntax: store/README.md.")
final class SearchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "QUERY", defaultValue = "*", description = "e.g. 'process.name:curl AND destination.ip:127.0.0.1'")
    String query;

    @Option(names = "--last", paramLabel = "DURATION", description = "only the last 15m, 1h, 7d …")
    String last;

    @Option(names = "--from", description = "start instant (ISO-8601)")
    String from;

    @Option(names = "--to", description = "end instant (ISO-8601)")
    String to;

    @Option(names = "--host", description = "only this endpoint (host.name)")
    String host;

    @Option(names = "--limit", defaultValue = "50", description = "how many events (default ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--count", description = "print only the number of matching events")
    boolean count;

    @Option(names = "--by", paramLabel = "FIELD", description = "count matching events by the values of a field (e.g. host.name)")
    String by;

    @Option(names = "--json", description = "print one JSON event per line")
    boolean json;

    @Mixin
    ServerAddress server;

    @Override
    public Integer call() {
        ApiClient api = new ApiClient(server.url());
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("q", query);
        parameters.put("last", last);
        parameters.put("from", from);
        parameters.put("to", to);
        parameters.put("host", host);
        try {
            if (count) {
                System.out.println(api.get("/api/v1/events/count", parameters).path("count").asLong());
            } else if (by != null) {
                parameters.put("field", by);
                for (JsonNode bucket : api.get("/api/v1/events/aggregate", parameters).path("buckets")) {
                    System.out.printf("%10d  %s%n", bucket.path("count").asLong(), bucket.path("value").asText());
                }
            } else {
                parameters.put("limit", Integer.toString(limit));
                JsonNode page = api.get("/api/v1/events", parameters);
                for (JsonNode event : page.path("events")) {
                    System.out.println(json ? event.toString() : EventLine.of(event));
                }
                if (!json) System.err.printf("%d of %d matching events%n", page.path("events").size(), page.path("total").asLong());
            }
            return 0;
        } catch (ApiClient.ApiException e) {
            System.err.println("kiroku search: " + e.getMessage());
            return e.status == 400 ? 2 : 1;
        }
    }
}
