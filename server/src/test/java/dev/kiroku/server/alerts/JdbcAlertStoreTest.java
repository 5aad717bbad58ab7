package dev.kiroku.server.alerts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JdbcAlertStoreTest {
    private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-03-02T10:00:00Z"));

    @TempDir
    Path data;

    private Occurrence occurrence(String key, String host, Instant time) {
        RuleInfo rule = new RuleInfo("r-1", "Rule One", "high", "stable", List.of("T1059"), List.of("execution"), List.of(), "me");
        return new Occurrence(Alert.Kind.RULE, rule, key, "a-1", host, "p-1", time, Map.of("process.name", "sh"), Map.of(), List.of());
    }

    @Test
    void everythingSurvivesReopeningAndTheSchemaIsMigratedOnce() throws Exception {
        long alertId;
        try (JdbcAlertStore store = JdbcAlertStore.h2(data, clock)) {
            Alert alert = store.open(occurrence("k", "h-1", clock.instant()));
            alertId = store.addOccurrence(alert.id(), occurrence("k", "h-1", clock.instant().plusSeconds(5))).id();
            store.addExclusion(new Exclusion(0, null, List.of(new Exclusion.Condition("process.name", "s*", true)), "c", Instant.EPOCH));
            store.setRuleEnabled("r-1", false);
            store.setRuleEnabled("r-1", true);
            store.setRuleEnabled("r-2", false);
        }
        try (JdbcAlertStore store = JdbcAlertStore.h2(data, clock)) {
            Alert alert = store.get(alertId).orElseThrow();
            assertThat(alert.count()).isEqualTo(2);
            assertThat(alert.lastSeen()).isEqualTo(clock.instant().plusSeconds(5));
            assertThat(alert.rule().techniques()).containsExactly("T1059");
            assertThat(alert.events()).hasSize(2);
            assertThat(store.latest("k")).map(Alert::id).contains(alertId);
            assertThat(store.exclusions()).singleElement().satisfies(e -> assertThat(e.conditions().getFirst().glob()).isTrue());
            assertThat(store.ruleStates()).containsExactly(Map.entry("r-1", true), Map.entry("r-2", false));
        }
        Path db = data.resolve("alerts").toAbsolutePath().resolve("kiroku-alerts");
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + db, "sa", "");
             var rows = c.createStatement().executeQuery("SELECT COUNT(*), MAX(version) FROM schema_version")) {
            rows.next();
            assertThat(rows.getInt(1)).as("each step recorded once").isEqualTo(SchemaMigrations.latest());
            assertThat(rows.getInt(2)).isEqualTo(SchemaMigrations.latest());
        }
    }

    @Test
    void aBulkLoadStoresWhatOpeningOneByOneStores() {
        try (JdbcAlertStore store = JdbcAlertStore.h2(data, clock)) {
            Alert single = store.open(occurrence("one", "h-1", clock.instant().minusSeconds(60)));
            List<Occurrence> bulk = new java.util.ArrayList<>();
            for (int i = 0; i < 2_500; i++) bulk.add(occurrence("bulk-" + i, "h-" + (i % 7), clock.instant().minusSeconds(i)));
            assertThat(store.openAll(bulk)).isEqualTo(2_500);
            List<Alert> all = store.search(AlertQuery.all(AlertQuery.MAX_LIMIT));
            assertThat(all).hasSize(2_501);
            Alert loaded = store.latest("bulk-0").orElseThrow();
            assertThat(loaded.id()).isGreaterThan(single.id());
            assertThat(loaded.rule()).isEqualTo(single.rule());
            assertThat(loaded.events()).isEqualTo(single.events());
            assertThat(loaded.hostName()).isEqualTo("h-0");
            assertThat(store.open(occurrence("after", "h-1", clock.instant())).id()).as("autocommit restored").isGreaterThan(loaded.id());
        }
    }

    @Test
    void searchFiltersByHostLevelAndTime() {
        try (JdbcAlertStore store = JdbcAlertStore.h2(data, clock)) {
            Instant t = clock.instant();
            store.open(occurrence("a", "h-1", t));
            store.open(occurrence("b", "h-2", t.plusSeconds(60)));
            assertThat(store.search(new AlertQuery(null, "HIGH", "h-2", null, null, null, null, null, 10))).hasSize(1);
            assertThat(store.search(new AlertQuery("r-1", null, null, "a-1", "stable", null, t.plusSeconds(30), null, 10)))
                    .extracting(Alert::hostName).containsExactly("h-2");
            assertThat(store.search(new AlertQuery(null, null, null, null, null, null, null, t.plusSeconds(30), 10)))
                    .extracting(Alert::hostName).containsExactly("h-1");
            assertThat(store.search(AlertQuery.all(10))).extracting(Alert::hostName).containsExactly("h-2", "h-1");
        }
    }

    @Test
    void triageRecordsStatusAssigneeWhoAndWhenAndFiltersSearch() {
        try (JdbcAlertStore store = JdbcAlertStore.h2(data, clock)) {
            Instant t = clock.instant();
            Alert first = store.open(occurrence("a", "h-1", t));
            store.open(occurrence("b", "h-2", t.plusSeconds(60)));
            assertThat(first.triage()).isEqualTo(Triage.OPEN);
            Alert acknowledged = store.triage(first.id(), new Triage("acknowledged", "alice", "bob", t.plusSeconds(5))).orElseThrow();
            assertThat(acknowledged.triage()).isEqualTo(new Triage("acknowledged", "alice", "bob", t.plusSeconds(5)));
            assertThat(store.search(new AlertQuery(null, null, null, null, null, "acknowledged", null, null, 10)))
                    .extracting(Alert::id).containsExactly(first.id());
            assertThat(store.search(new AlertQuery(null, null, null, null, null, "open", null, null, 10))).hasSize(1);
            assertThat(store.triage(999_999, Triage.OPEN)).isEmpty();
        }
        try (JdbcAlertStore reopened = JdbcAlertStore.h2(data, clock)) {
            assertThat(reopened.search(AlertQuery.all(10))).extracting(a -> a.triage().status())
                    .containsExactlyInAnyOrder("open", "acknowledged");
        }
        assertThatThrownBy(() -> new Triage("done", null, null, null)).hasMessageContaining("open, acknowledged");
    }

    @Test
    void globsMatchLikeShellPatterns() {
        assertThat(Exclusion.globMatches("/usr/bin/*", "/usr/bin/bash")).isTrue();
        assertThat(Exclusion.globMatches("/usr/*/ba?h", "/usr/bin/bash")).isTrue();
        assertThat(Exclusion.globMatches("/usr/bin/*", "/usr/sbin/sshd")).isFalse();
        assertThat(Exclusion.globMatches("*sshd", "/usr/sbin/sshd")).isTrue();
        assertThat(Exclusion.globMatches("/usr/bin/bash", "/usr/bin/bash2")).isFalse();
    }
}
