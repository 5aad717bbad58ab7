package dev.kiroku.indicators.stix;

import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.indicators.Events;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.IndicatorSource;
import dev.kiroku.indicators.SourceFormat;
import dev.kiroku.indicators.expr.EventView;
import dev.kiroku.indicators.expr.Truth;
import dev.kiroku.indicators.match.IndicatorHit;
import dev.kiroku.indicators.match.LiveMatcher;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class StixPatternTest {
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void comparisonOperatorsOverRecordedFields() throws Exception {
        assertThat(eval("[file:hashes.'SHA-256' = '" + SHA.toUpperCase() + "']", Events.exec(1, "/tmp/a", SHA, "a"))).isEqualTo(Truth.TRUE);
        assertThat(eval("[process:binary_ref.hashes.SHA256 = '" + SHA + "']", Events.exec(1, "/tmp/a", SHA, "a"))).isEqualTo(Truth.TRUE);
        assertThat(eval("[ipv4-addr:value = '198.51.100.0/24']", Events.connect("198.51.100.7", 80))).isEqualTo(Truth.TRUE);
        assertThat(eval("[ipv4-addr:value ISSUBSET '198.51.100.0/24']", Events.connect("198.51.101.7", 80))).isEqualTo(Truth.FALSE);
        assertThat(eval("[ipv6-addr:value = '2001:db8::1']", Events.connect("2001:db8:0::1", 80))).isEqualTo(Truth.TRUE);
        assertThat(eval("[network-traffic:dst_ref.value = '203.0.113.1' AND network-traffic:dst_port > 1024]",
                Events.connect("203.0.113.1", 4444))).isEqualTo(Truth.TRUE);
        assertThat(eval("[network-traffic:dst_port IN (22, 23, 4444)]", Events.connect("203.0.113.1", 23))).isEqualTo(Truth.TRUE);
        assertThat(eval("[network-traffic:protocols[*] = 'TCP']", Events.connect("203.0.113.1", 23))).isEqualTo(Truth.TRUE);
        assertThat(eval("[domain-name:value = 'c2.example']", Events.exec(2, "/usr/bin/curl", null, "curl", "https://C2.example/x")))
                .isEqualTo(Truth.TRUE);
        assertThat(eval("[url:value = 'https://c2.example/x']", Events.exec(2, "/usr/bin/curl", null, "curl", "https://c2.example/x")))
                .isEqualTo(Truth.TRUE);
        assertThat(eval("[process:command_line LIKE '%base64 -d%']", Events.exec(3, "/bin/sh", null, "sh", "-c", "echo x | base64 -d | sh")))
                .isEqualTo(Truth.TRUE);
        assertThat(eval("[process:command_line MATCHES '\\\\| *(ba)?sh\\\\b']", Events.exec(3, "/bin/sh", null, "sh", "-c", "curl x | bash")))
                .isEqualTo(Truth.TRUE);
        assertThat(eval("[process:name != 'sh' AND file:name = 'x.sh']", Events.file("/tmp/x.sh", FileChange.Action.CREATE)))
                .isEqualTo(Truth.TRUE); // the writing process is bash
        assertThat(eval("[process:name NOT = 'bash']", Events.file("/tmp/x.sh", FileChange.Action.CREATE))).isEqualTo(Truth.FALSE);
        assertThat(eval("[file:name = 'X.SH']", Events.file("/tmp/x.sh", FileChange.Action.CREATE))).isEqualTo(Truth.FALSE);
        assertThat(eval("[windows-registry-key:key = 'HKLM\\\\Run' OR file:name = 'x.sh']", Events.file("/tmp/x.sh", FileChange.Action.CREATE)))
                .isEqualTo(Truth.TRUE);
    }

    @Test
    void syntaxErrorsAreRefusedWithPosition() {
        assertThat(error("[file:name = 'a'")).satisfies(e -> {
            assertThat(e.position()).isEqualTo(16);
            assertThat(e.problem()).contains("']'");
        });
        assertThat(error("[file:name == 'a']").position()).isEqualTo(12);
        assertThat(error("[file:name = 'a] ").problem()).contains("not terminated");
        assertThat(error("[file:name LIKES 'a']").position()).isEqualTo(11);
        assertThat(error("[ipv4-addr:value ISSUBSET 'not-an-ip']").position()).isEqualTo(26);
        assertThat(error("[file:name = 'a'] WITHIN -5 SECONDS").position()).isEqualTo(25);
        assertThat(error("[file:name = 'a'] REPEATS 2").problem()).contains("TIMES");
        assertThat(error("[process:command_line MATCHES '(unclosed']").problem()).contains("regular expression");
        assertThat(error("[file:name = 'a'] START t'2026-01-02T00:00:00Z' STOP t'2026-01-01T00:00:00Z'").problem()).contains("before");
        assertThat(error("file:name = 'a'").position()).isZero();
        assertThat(error("[file:name = 'a'] AND").position()).isEqualTo(21);
        assertThat(error("[process:pid > 'abc']").problem()).contains("numbers");
        assertThat(error("").problem()).contains("end of the pattern");
    }

    @Test
    void followedByWithinIsEvaluatedPerEndpoint() throws Exception {
        Indicator indicator = StixBundleReader.fromPattern("seq", source(),
                "([process:name = 'curl'] FOLLOWEDBY [file:name = 'x.sh']) WITHIN 60 SECONDS", List.of(), "");
        assertThat(indicator.sequence()).isNotNull();
        LiveMatcher matcher = LiveMatcher.build(List.of(indicator));
        Event curl = Events.exec(5, "/usr/bin/curl", null, "curl", "-o", "/tmp/x.sh");
        Event write = at(Events.file("/tmp/x.sh", FileChange.Action.CREATE), 30);
        Event lateWrite = at(Events.file("/tmp/x.sh", FileChange.Action.CREATE), 200);
        assertThat(matcher.match(write)).isEmpty();     // the write before any curl: no sequence yet
        assertThat(matcher.match(curl)).isEmpty();
        assertThat(matcher.match(at(Events.file("/tmp/x.sh", FileChange.Action.CREATE), 30))).hasSize(1);
        assertThat(matcher.match(lateWrite)).isEmpty(); // outside the 60 s window
        // another endpoint has its own state
        Event otherAgent = new Event("agent-2", 0, Events.T0.plusSeconds(31), "db-1", List.of(), write.payload());
        assertThat(matcher.match(otherAgent)).isEmpty();
    }

    @Test
    void repeatsAndAndOfObservations() throws Exception {
        Indicator repeats = StixBundleReader.fromPattern("rep", source(),
                "[network-traffic:dst_port = 22] REPEATS 3 TIMES WITHIN 10 SECONDS", List.of(), "");
        LiveMatcher matcher = LiveMatcher.build(List.of(repeats));
        List<IndicatorHit> hits = List.of();
        for (int i = 0; i < 3; i++) hits = matcher.match(at(Events.connect("192.0.2.1", 22), i));
        assertThat(hits).hasSize(1);
        assertThat(matcher.match(at(Events.connect("192.0.2.1", 22), 100))).isEmpty();

        Indicator both = StixBundleReader.fromPattern("and", source(),
                "([ipv4-addr:value = '192.0.2.9'] AND [process:name = 'nc']) WITHIN 5 SECONDS", List.of(), "");
        LiveMatcher m2 = LiveMatcher.build(List.of(both));
        assertThat(m2.match(at(Events.exec(8, "/usr/bin/nc", null, "nc", "-l"), 0))).isEmpty();
        assertThat(m2.match(at(Events.connect("192.0.2.9", 80), 3))).hasSize(1);
    }

    @Test
    void patternsOverUnrecordedObjectsAreNotEvaluable() throws Exception {
        Indicator registry = StixBundleReader.fromPattern("r", source(), "[windows-registry-key:key = 'HKLM\\\\x']", List.of(), "");
        assertThat(registry.evaluable()).isFalse();
        assertThat(registry.notEvaluableReason()).contains("windows-registry-key:key");
        Indicator seq = StixBundleReader.fromPattern("s", source(),
                "[process:name = 'a'] FOLLOWEDBY [file:size > 10]", List.of(), "");
        assertThat(seq.evaluable()).isFalse();
    }

    private static Event at(Event e, long seconds) {
        return new Event(e.agentId(), e.sequence(), Events.T0.plusSeconds(seconds), e.hostName(), e.incomplete(), e.payload());
    }

    private static IndicatorSource source() {
        return new IndicatorSource(SourceFormat.STIX_2_1, "test", "");
    }

    private static Truth eval(String pattern, Event event) throws StixPatternException {
        Indicator indicator = StixBundleReader.fromPattern("t", source(), pattern, List.of(), "");
        assertThat(indicator.sequence()).isNull();
        return indicator.condition().evaluate(EventView.of(event));
    }

    private static StixPatternException error(String pattern) {
        StixPatternException e = catchThrowableOfType(StixPatternException.class, () -> StixPatternParser.parse(pattern));
        assertThat(e).as(pattern).isNotNull();
        return e;
    }
}
