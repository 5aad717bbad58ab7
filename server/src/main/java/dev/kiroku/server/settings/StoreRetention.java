package dev.kiroku.server.settings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.fleet.state.StateStore;
import dev.kiroku.server.api.Durations;
import dev.kiroku.server.auth.Authentication;
import dev.kiroku.store.lucene.LuceneEventStore;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The event store's retention, editable at run time (docs/api.md, {@code /api/v1/settings/retention}): a value set
 * through the API is kept in the server's state and wins over the {@code --retention} start option, which stays the
 * default while nothing was set. The store applies a change at its next append and maintenance run.
 */
public final class StoreRetention {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SETTING = "store.retention_days";

    private final StateStore state;
    private final LuceneEventStore store;
    private final Duration startOption;
    private final InstantSource clock;

    /** Applies the retention kept in the state, if any, to the store. */
    public StoreRetention(StateStore state, LuceneEventStore store, Duration startOption, InstantSource clock) {
        this.state = state;
        this.store = store;
        this.startOption = startOption;
        this.clock = clock;
        state.setting(SETTING).ifPresent(days -> store.retention(Duration.ofDays(Long.parseLong(days))));
    }

    public void register(JavalinConfig config) {
        config.routes.get("/api/v1/settings/retention", ctx -> json(ctx, current()));
        config.routes.put("/api/v1/settings/retention", this::change);
    }

    private Map<String, Object> current() {
        Duration retention = store.retention();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("retention_days", retention == null ? null : retention.toDays());
        body.put("source", state.setting(SETTING).isPresent() ? "settings" : "start option");
        body.put("start_option_days", startOption == null ? null : startOption.toDays());
        return body;
    }

    /** {"retention_days": N} with N a whole number of days from 1 to 36500, or {"retention": "90d"}. */
    private void change(Context ctx) throws JsonProcessingException {
        long days = days(ctx.body());
        store.retention(Duration.ofDays(days));
        state.putSetting(SETTING, Long.toString(days));
        state.audit(Authentication.user(ctx), "settings.retention", days + " days", clock.instant());
        json(ctx, current());
    }

    static long days(String text) {
        JsonNode body;
        try {
            body = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object with 'retention_days' (a whole number of days)");
        }
        long days;
        JsonNode given = body.path("retention_days");
        if (!given.isMissingNode()) {
            if (!given.canConvertToLong() || !given.isIntegralNumber()) {
                throw new IllegalArgumentException("'retention_days' must be a whole number of days, not " + given);
            }
            days = given.asLong();
        } else if (body.hasNonNull("retention")) {
            Duration d = Durations.parse(body.path("retention").asText());
            if (d.toDays() * 86_400 != d.toSeconds()) {
                throw new IllegalArgumentException("'retention' must be whole days (the store deletes whole days), not '"
                        + body.path("retention").asText() + "'");
            }
            days = d.toDays();
        } else {
            throw new IllegalArgumentException("the body must have 'retention_days' (a whole number of days)");
        }
        if (days < 1 || days > 36_500) {
            throw new IllegalArgumentException("'retention_days' must be from 1 to 36500 days, not " + days);
        }
        return days;
    }

    private static void json(Context ctx, Object body) throws JsonProcessingException {
        ctx.status(200).contentType("application/json").result(JSON.writeValueAsString(body));
    }
}
