package dev.kiroku.server.detect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiroku.server.detect.DetectionApi.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writing a rule in the console: problems by line and column while it is written, and a test over the recorded
 * history before it is added or enabled. A real Javalin with the detection routes, a real Lucene store and H2.
 */
class RuleTestRoutesTest {
    private static final String WGET_RULE = """
            title: Wget run by a user
            id: 3b1d6a4e-0c1f-4a57-9d0e-000000000001
            status: experimental
            logsource: {product: linux, category: process_creation}
            detection:
              selection:
                Image|endswith: /wget
              condition: selection
            level: medium
            """;

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
    void validationNamesLineAndColumnOfEveryProblem() throws Exception {
        Reply syntax = call("POST", "/api/v1/rules/validate", "title: broken\nlogsource: {product: linux\ndetection:\n  selection: {Image: x}\n");
        assertThat(syntax.status()).isEqualTo(200);
        assertThat(syntax.body().path("valid").asBoolean()).isFalse();
        JsonNode problem = syntax.body().path("problems").get(0);
        assertThat(problem.path("message").asText()).startsWith("invalid YAML");
        assertThat(problem.path("line").asInt()).isBetween(2, 4);
        assertThat(problem.path("column").asInt()).isPositive();

        String noCondition = WGET_RULE.replace("  condition: selection\n", "").replace("Image|endswith", "Image|sometimes");
        Reply content = call("POST", "/api/v1/rules/validate", noCondition);
        assertThat(content.body().path("valid").asBoolean()).isFalse();
        assertThat(content.body().path("problems")).isNotEmpty().allSatisfy(p -> {
            assertThat(p.path("line").asInt()).as(p.toString()).isPositive();
            assertThat(p.path("column").asInt()).isPositive();
            assertThat(p.path("message").asText()).isNotBlank();
        });
        assertThat(content.body().path("problems").toString()).contains("sometimes");

        Reply valid = call("POST", "/api/v1/rules/validate", WGET_RULE);
        assertThat(valid.body().path("valid").asBoolean()).isTrue();
        assertThat(valid.body().path("rules").toString()).contains("3b1d6a4e-0c1f-4a57-9d0e-000000000001");
        assertThat(call("GET", "/api/v1/rules", null).body().toString()).as("validating stores nothing")
                .doesNotContain("3b1d6a4e-0c1f-4a57-9d0e-000000000001");
    }

    @Test
    void aNewRuleIsTestedOverTheRecordedWindowBeforeItIsAdded() throws Exception {
        Instant now = endpoint.now.get();
        for (int i = 0; i < 3; i++) {
            endpoint.exec("e-wget" + i, "/usr/bin/wget", List.of("wget", "http://198.51.100.7/" + i), shell, now.minus(Duration.ofHours(2 + i)));
        }
        endpoint.exec("e-old-wget", "/usr/bin/wget", List.of("wget", "http://198.51.100.7/old"), shell, now.minus(Duration.ofDays(3)));
        endpoint.exec("e-curl", "/usr/bin/curl", List.of("curl", "http://198.51.100.7/"), shell, now.minus(Duration.ofHours(1)));
        endpoint.settle();
        endpoint.now.set(now.plusSeconds(1));

        Reply day = call("POST", "/api/v1/rules/test?last=24h&limit=2", WGET_RULE);
        assertThat(day.status()).as(day.body().toString()).isEqualTo(200);
        assertThat(day.body().path("hits").asLong()).isEqualTo(3);
        assertThat(day.body().path("complete").asBoolean()).isTrue();
        assertThat(day.body().path("store_query").asText()).contains("event.category");
        assertThat(day.body().path("store_query").asText()).contains("process.executable:\"wget\"");
        assertThat(day.body().path("scanned").asLong()).as("only candidates are read: the three wgets").isEqualTo(3);
        assertThat(day.body().path("events")).hasSize(2);
        assertThat(day.body().path("events").get(0).path("event").path("process.command_line").asText()).isEqualTo("wget http://198.51.100.7/0");
        assertThat(day.body().path("per_rule").path("3b1d6a4e-0c1f-4a57-9d0e-000000000001").asLong()).isEqualTo(3);

        assertThat(call("POST", "/api/v1/rules/test?last=7d", WGET_RULE).body().path("hits").asLong()).isEqualTo(4);
        assertThat(call("POST", "/api/v1/rules/test?from=" + now.minus(Duration.ofMinutes(90)) + "&to=" + now, WGET_RULE)
                .body().path("hits").asLong()).isZero();
        assertThat(endpoint.detection.alerts().search(new dev.kiroku.server.alerts.AlertQuery(
                "3b1d6a4e-0c1f-4a57-9d0e-000000000001", null, null, null, null, null, null, null, 10))).as("a test raises no alert").isEmpty();

        Reply refused = call("POST", "/api/v1/rules/test?last=24h", "title: x\ndetection: {}\n");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().path("problems")).isNotEmpty();
        assertThat(call("POST", "/api/v1/rules/test?last=24h&limit=500", WGET_RULE).status()).isEqualTo(400);
    }

    @Test
    void aDisabledRuleIsTestedBeforeItIsEnabled() throws Exception {
        assertThat(call("POST", "/api/v1/rules/" + DetectionTest.REVSHELL + "/disable", null).status()).isEqualTo(200);
        endpoint.exec("e-rev", "/usr/bin/bash", DetectionTest.REVSHELL_ARGS, shell, endpoint.now.get().minus(Duration.ofMinutes(5)));
        endpoint.settle();
        assertThat(call("GET", "/api/v1/alerts", null).body().path("alerts")).isEmpty();

        Reply test = call("POST", "/api/v1/rules/" + DetectionTest.REVSHELL + "/test?last=1h", null);
        assertThat(test.status()).as(test.body().toString()).isEqualTo(200);
        assertThat(test.body().path("hits").asLong()).isEqualTo(1);
        assertThat(test.body().path("events").get(0).path("rules").toString()).contains(DetectionTest.REVSHELL);
        assertThat(call("POST", "/api/v1/rules/no-such-rule/test", null).status()).isEqualTo(404);
    }

    @Test
    void aLongWindowIsCutAtTheLimitAndSaysWhere() {
        Instant now = endpoint.now.get();
        for (int i = 0; i < 30; i++) {
            endpoint.exec("e-w" + i, "/usr/bin/wget", List.of("wget", "x" + i), shell, now.minus(Duration.ofMinutes(1 + i)));
        }
        endpoint.settle();
        var rules = endpoint.detection.rules().candidate(WGET_RULE);
        RuleTrial small = new RuleTrial(endpoint.store, endpoint.detection.rules().mapping(), endpoint.clock, Duration.ofMinutes(1), 10, 10);
        Instant end = now.minusSeconds(30); // the window leaves out the shell started at now
        RuleTrial.Result cut = small.run(rules, now.minus(Duration.ofHours(1)), end, 5);
        assertThat(cut.complete()).isFalse();
        assertThat(cut.cut()).contains("10 events");
        assertThat(cut.scanned()).isEqualTo(10);
        assertThat(cut.hits()).isEqualTo(10);
        assertThat(cut.scannedFrom()).isEqualTo(now.minus(Duration.ofMinutes(10)));
        assertThat(cut.first()).hasSize(5);

        RuleTrial.Result whole = new RuleTrial(endpoint.store, endpoint.detection.rules().mapping(), endpoint.clock,
                Duration.ofMinutes(1), 1_000, 10).run(rules, now.minus(Duration.ofHours(1)), end, 5);
        assertThat(whole.complete()).isTrue();
        assertThat(whole.hits()).isEqualTo(30);
        assertThat(whole.scannedFrom()).isNull();
    }
}
