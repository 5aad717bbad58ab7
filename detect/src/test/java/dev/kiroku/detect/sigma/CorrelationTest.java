package dev.kiroku.detect.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiroku.detect.sigma.model.Correlation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CorrelationTest {
    static final String BASE = """
        title: Failed login
        id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
        name: failed_login
        logsource:
            product: windows
            service: security
        detection:
            selection:
                EventID: 4625
            condition: selection
        ---
        title: Successful login
        id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8
        name: successful_login
        logsource:
            product: windows
            service: security
        detection:
            selection:
                EventID: 4624
            condition: selection
        """;

    static RuleSet load(String correlation) {
        SigmaLoader.Result r = SigmaLoader.loadTexts(Map.of("c.yml", correlation + "\n---\n" + BASE), LoadOptions.defaults());
        assertThat(r.report().problems()).isEmpty();
        return r.rules();
    }

    /** Feeds (seconds, EventID, User, Workstation) events through the matcher and correlator. */
    static List<CorrelationMatch> run(RuleSet rules, Object[][] events) {
        Matcher m = Matcher.raw(rules);
        Correlator c = new Correlator(rules.correlations(), Correlator.Limits.defaults());
        List<CorrelationMatch> out = new ArrayList<>();
        for (Object[] e : events) {
            Document d = new MapDocument(Map.of("EventID", e[1], "User", e[2], "Workstation", e[3]));
            for (Match match : m.match(d)) out.addAll(c.accept(match, d, Instant.ofEpochSecond((Integer) e[0])));
        }
        out.addAll(c.flush());
        return out;
    }

    @Test
    void event_count_fires_once_the_count_is_reached_within_the_timespan_per_group() {
        RuleSet rules = load("""
            title: Many failed logins
            id: 0e95725d-7320-415d-80f7-004da920fc11
            level: high
            correlation:
                type: event_count
                rules: [failed_login]
                group-by: [User]
                timespan: 10s
                condition:
                    gte: 3
            """);
        List<CorrelationMatch> out = run(rules, new Object[][] {
            {0, 4625, "bob", "w1"}, {1, 4625, "alice", "w1"}, {2, 4625, "bob", "w1"},
            {20, 4625, "bob", "w1"}, // the first two bob events are out of the window now
            {21, 4625, "bob", "w2"}, {22, 4625, "bob", "w3"},
        });
        assertThat(out).hasSize(1);
        assertThat(out.getFirst().group()).containsEntry("User", "bob");
        assertThat(out.getFirst().value()).isEqualTo(3.0);
        assertThat(out.getFirst().first()).isEqualTo(Instant.ofEpochSecond(20));
        assertThat(out.getFirst().rule().level()).isEqualTo("high");
    }

    @Test
    void base_rules_of_a_correlation_do_not_alert_on_their_own() {
        RuleSet rules = load("""
            title: Many failed logins
            correlation:
                type: event_count
                rules: [failed_login]
                group-by: [User]
                timespan: 10s
                condition: {gte: 3}
            """);
        List<Match> matches = Matcher.raw(rules).match(new MapDocument(Map.of("EventID", 4625)));
        assertThat(matches).singleElement().satisfies(m -> assertThat(m.standalone()).isFalse());
    }

    @Test
    void value_count_counts_distinct_values() {
        RuleSet rules = load("""
            title: Spray
            correlation:
                type: value_count
                rules: [failed_login]
                group-by: [Workstation]
                timespan: 1m
                condition:
                    field: User
                    gt: 2
            """);
        List<CorrelationMatch> out = run(rules, new Object[][] {
            {0, 4625, "a", "w1"}, {1, 4625, "a", "w1"}, {2, 4625, "b", "w1"}, {3, 4625, "c", "w2"}, {4, 4625, "c", "w1"},
        });
        assertThat(out).singleElement().satisfies(m -> {
            assertThat(m.group()).containsEntry("Workstation", "w1");
            assertThat(m.value()).isEqualTo(3.0);
            assertThat(m.type()).isEqualTo(Correlation.Type.VALUE_COUNT);
        });
    }

    @Test
    void temporal_needs_every_rule_in_the_window_in_any_order() {
        RuleSet rules = load("""
            title: Both
            correlation:
                type: temporal
                rules: [successful_login, failed_login]
                group-by: [User]
                timespan: 5s
            """);
        assertThat(run(rules, new Object[][] {{0, 4624, "a", "w"}, {3, 4625, "a", "w"}})).hasSize(1);
        assertThat(run(rules, new Object[][] {{0, 4624, "a", "w"}, {9, 4625, "a", "w"}})).isEmpty();
        assertThat(run(rules, new Object[][] {{0, 4624, "a", "w"}, {1, 4625, "b", "w"}})).isEmpty();
    }

    @Test
    void temporal_ordered_needs_the_rules_in_order() {
        RuleSet rules = load("""
            title: Fail then success
            correlation:
                type: temporal_ordered
                rules: [failed_login, successful_login]
                group-by: [User]
                timespan: 5s
            """);
        assertThat(run(rules, new Object[][] {{0, 4625, "a", "w"}, {2, 4624, "a", "w"}})).hasSize(1);
        assertThat(run(rules, new Object[][] {{0, 4624, "a", "w"}, {2, 4625, "a", "w"}})).isEmpty();
    }

    @Test
    void upper_bounded_conditions_are_decided_when_the_window_closes() {
        RuleSet rules = load("""
            title: Exactly two
            correlation:
                type: event_count
                rules: [failed_login]
                group-by: [User]
                timespan: 10s
                condition:
                    eq: 2
            """);
        assertThat(run(rules, new Object[][] {{0, 4625, "a", "w"}, {1, 4625, "a", "w"}, {2, 4625, "a", "w"}})).isEmpty();
        List<CorrelationMatch> two = run(rules, new Object[][] {{0, 4625, "a", "w"}, {1, 4625, "a", "w"}, {30, 4624, "z", "w"}});
        assertThat(two).hasSize(1);
    }

    @Test
    void the_specification_example_chains_correlations() {
        String text = """
            title: Correlation - Multiple Failed Logins Followed by Successful Login
            id: b180ead8-d58f-40b2-ae54-c8940995b9b6
            level: high
            correlation:
                type: temporal_ordered
                rules:
                    - multiple_failed_login
                    - successful_login
                group-by:
                    - User
                timespan: 10m
            ---
            title: Multiple failed logons
            id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
            name: multiple_failed_login
            correlation:
                type: event_count
                rules:
                    - failed_login
                group-by:
                    - User
                timespan: 10m
                condition:
                    gte: 3
            """;
        RuleSet rules = load(text);
        assertThat(rules.correlations()).hasSize(2);
        List<CorrelationMatch> out = run(rules, new Object[][] {
            {0, 4625, "bob", "w"}, {10, 4625, "bob", "w"}, {20, 4625, "bob", "w"}, {30, 4624, "bob", "w"},
        });
        assertThat(out).extracting(CorrelationMatch::ruleId)
                .containsExactly("a8418a5a-5fc4-46b5-b23b-6c73beb19d41", "b180ead8-d58f-40b2-ae54-c8940995b9b6");
    }

    @Test
    void a_correlation_naming_a_missing_rule_is_refused() {
        SigmaLoader.Result r = SigmaLoader.loadTexts(Map.of("c.yml", """
            title: Broken
            correlation:
                type: event_count
                rules: [nope]
                group-by: [User]
                timespan: 10s
                condition: {gte: 3}
            """), LoadOptions.defaults());
        assertThat(r.rules().correlations()).isEmpty();
        assertThat(r.report().problems()).anySatisfy(p -> assertThat(p.reason()).contains("'nope'"));
    }

    @Test
    void bad_timespans_and_types_are_refused() {
        SigmaLoader.Result r = SigmaLoader.loadTexts(Map.of("c.yml", """
            title: Broken
            correlation:
                type: event_sum
                rules: [failed_login]
                group-by: [User]
                timespan: 10 minutes
            """ + "---\n" + BASE), LoadOptions.defaults());
        assertThat(r.report().problems()).extracting(LoadReport.Problem::reason)
                .anySatisfy(s -> assertThat(s).contains("unsupported correlation type"))
                .anySatisfy(s -> assertThat(s).contains("bad timespan"));
    }

    @Test
    void groups_are_bounded() {
        RuleSet rules = load("""
            title: Many failed logins
            correlation:
                type: event_count
                rules: [failed_login]
                group-by: [User]
                timespan: 1h
                condition: {gte: 2}
            """);
        Matcher m = Matcher.raw(rules);
        Correlator c = new Correlator(rules.correlations(), new Correlator.Limits(10, 5));
        int fired = 0;
        for (int i = 0; i < 1000; i++) {
            Document d = new MapDocument(Map.of("EventID", 4625, "User", "u" + (i % 100)));
            for (Match match : m.match(d)) fired += c.accept(match, d, Instant.ofEpochSecond(i)).size();
        }
        // 100 users round robin through 10 slots: every group is evicted before its second event.
        assertThat(fired).isZero();
        assertThat(c.evictions().groups()).as("groups evicted").isEqualTo(1000 - 10);
        assertThat(c.evictions().events()).isZero();
    }

    @Test
    void events_per_group_are_bounded_and_counted() {
        RuleSet rules = load("""
            title: Failed logins from many workstations
            correlation:
                type: value_count
                rules: [failed_login]
                group-by: [User]
                timespan: 1h
                condition: {field: Workstation, gte: 4}
            """);
        Matcher m = Matcher.raw(rules);
        Correlator c = new Correlator(rules.correlations(), new Correlator.Limits(10, 3));
        int fired = 0;
        for (int i = 0; i < 6; i++) {
            Document d = new MapDocument(Map.of("EventID", 4625, "User", "alice", "Workstation", "ws" + i));
            for (Match match : m.match(d)) fired += c.accept(match, d, Instant.ofEpochSecond(i)).size();
        }
        // Only the 3 newest events are kept per group: 4 distinct workstations are never seen together.
        assertThat(fired).isZero();
        assertThat(c.evictions().events()).isEqualTo(3);
        assertThat(c.evictions().groups()).isZero();
    }
}
