package dev.kiroku.indicators.match;

import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.indicators.Datasets;
import dev.kiroku.indicators.Events;
import dev.kiroku.indicators.ImportResult;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.IndicatorType;
import dev.kiroku.indicators.expr.EventView;
import dev.kiroku.indicators.expr.Truth;
import dev.kiroku.indicators.lists.PlainListReader;
import dev.kiroku.indicators.openioc.OpenIocParser;
import dev.kiroku.store.bench.SyntheticEvents;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class LiveMatcherTest {
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private final List<Indicator> list = new PlainListReader().read(Path.of("feed.txt"), List.of(
            SHA + ";test binary",
            "203.0.113.7",
            "198.51.100.0/24",
            "2001:db8::/32",
            "evil.example",
            "http://bad.example/payload.sh",
            "dropper.elf")).indicators();

    @Test
    void eachKindOfListIndicatorHits() {
        LiveMatcher matcher = LiveMatcher.build(list);
        assertThat(matcher.size()).isEqualTo(7);
        assertThat(matcher.unindexedCount()).isZero();
        assertThat(types(matcher.match(Events.exec(5, "/tmp/x", SHA, "x")))).containsExactly(IndicatorType.SHA256);
        assertThat(types(matcher.match(Events.connect("203.0.113.7", 443)))).containsExactly(IndicatorType.IP);
        assertThat(types(matcher.match(Events.connect("198.51.100.200", 443)))).containsExactly(IndicatorType.CIDR);
        assertThat(types(matcher.match(Events.connect("2001:0db8:0:0::1", 443)))).containsExactly(IndicatorType.CIDR);
        assertThat(matcher.match(Events.connect("198.51.101.1", 443))).isEmpty();
        assertThat(types(matcher.match(Events.exec(6, "/usr/bin/curl", null, "curl", "-s", "https://cdn.EVIL.example/x"))))
                .containsExactly(IndicatorType.DOMAIN);
        assertThat(matcher.match(Events.exec(6, "/usr/bin/curl", null, "curl", "https://notevil.example/x"))).isEmpty();
        assertThat(types(matcher.match(Events.exec(7, "/usr/bin/wget", null, "wget", "http://bad.example/payload.sh"))))
                .containsExactlyInAnyOrder(IndicatorType.URL);
        assertThat(types(matcher.match(Events.file("/var/tmp/dropper.elf", FileChange.Action.CREATE))))
                .containsExactly(IndicatorType.FILE_NAME);
        List<IndicatorHit> hits = matcher.match(Events.connect("203.0.113.7", 443));
        assertThat(hits.getFirst().indicator().source().origin()).isEqualTo("feed.txt");
        assertThat(hits.getFirst().agentId()).isEqualTo("agent-1");
        assertThat(hits.getFirst().processEntityId()).isEqualTo("ent-300");
        assertThat(hits.getFirst().retrospective()).isFalse();
    }

    @Test
    void expiredAndNotEvaluableIndicatorsAreNotLoaded() {
        Instant now = Instant.parse("2026-11-27T00:00:00Z");
        List<Indicator> indicators = new ArrayList<>(list);
        indicators.set(1, indicators.get(1).withExpiry(now.minusSeconds(1)));
        indicators.addAll(new PlainListReader().read(Path.of("md5.txt"), List.of("44d88612fea8a8f36de82e1278abb02f")).indicators());
        LiveMatcher matcher = LiveMatcher.build(indicators, InstantSource.fixed(now));
        assertThat(matcher.size()).isEqualTo(7); // the MD5 is loaded (Kiroku records it), the expired one is not
        assertThat(matcher.match(new dev.kiroku.event.Event("agent-1", 1, Events.T0, "web-1", List.of(),
                new dev.kiroku.event.ProcessStart(Events.process(9, "/tmp/eicar", null, "eicar")
                        .withHashes("44d88612fea8a8f36de82e1278abb02f", null, null), false)))).hasSize(1);
        assertThat(matcher.match(Events.connect("203.0.113.7", 443))).isEmpty();
    }

    /**
     * Property: the indexed matcher finds exactly the indicators a loop over all indicators finds, for
     * events made from the indicators' own values and random ones (seeded).
     */
    @Test
    void indexedMatchingEqualsEvaluatingEveryIndicator() throws Exception {
        List<Indicator> indicators = new ArrayList<>(list);
        for (Path file : Datasets.openIocFiles()) {
            ImportResult r = new OpenIocParser().parse(file.toString(), Files.readAllBytes(file));
            indicators.addAll(r.evaluable());
        }
        Path sb = Datasets.signatureBaseIocs();
        for (String name : List.of("c2-iocs.txt", "filename-iocs.txt", "hash-iocs.txt")) {
            indicators.addAll(new PlainListReader().read(sb.resolve(name), Files.readAllLines(sb.resolve(name))).evaluable());
        }
        LiveMatcher matcher = LiveMatcher.build(indicators);
        LiveMatcher walking = LiveMatcher.walkingEventFields(indicators, InstantSource.system());
        assertThat(matcher.unindexedCount()).isLessThan(indicators.size() / 20);
        Random random = new Random(42);
        SyntheticEvents synthetic = new SyntheticEvents(7, 4);
        List<String> c2 = indicators.stream().filter(i -> i.type() == IndicatorType.IP || i.type() == IndicatorType.DOMAIN)
                .map(Indicator::value).toList();
        int hitsSeen = 0;
        for (int i = 0; i < 1_500; i++) {
            Event event = switch (random.nextInt(7)) {
                case 0 -> Events.connect(randomIp(random, c2), 443);
                case 5 -> Events.exec(9, "/tmp/" + randomCase(random, listed(random, indicators, IndicatorType.FILE_NAME)),
                        randomCase(random, listed(random, indicators, IndicatorType.SHA256)), "x");
                case 6 -> Events.file("/tmp/" + randomCase(random, listed(random, indicators, IndicatorType.FILE_NAME)),
                        FileChange.Action.CREATE);
                case 1 -> Events.exec(9, "/usr/bin/curl", null, "curl", "https://" + c2.get(random.nextInt(c2.size())) + "/a");
                case 2 -> Events.file("/tmp/" + (random.nextBoolean() ? "mimikatz.exe" : "x" + random.nextInt(100) + ".sh"),
                        FileChange.Action.CREATE);
                default -> Event.of(SyntheticEvents.agent(1), Instant.now(), "h", synthetic.payload(1));
            };
            EventView view = EventView.of(event);
            Set<String> expected = indicators.stream().filter(ind -> ind.condition().evaluate(view) == Truth.TRUE)
                    .map(Indicator::id).collect(Collectors.toSet());
            Set<String> actual = matcher.match(view).stream().map(h -> h.indicator().id()).collect(Collectors.toSet());
            assertThat(actual).as("event %s", event).isEqualTo(expected);
            assertThat(walking.match(view).stream().map(h -> h.indicator().id()).collect(Collectors.toSet()))
                    .as("walking the event's fields, event %s", event).isEqualTo(expected);
            assertThat(matcher.match(event).stream().map(h -> h.indicator().id()).collect(Collectors.toSet()))
                    .as("looking up the fields as the event writes them, event %s", event).isEqualTo(expected);
            if (!expected.isEmpty()) hitsSeen++;
        }
        assertThat(hitsSeen).isGreaterThan(300);
    }

    /** A value of a random indicator of the type, or now and then a random one of the same length. */
    private static String listed(Random random, List<Indicator> indicators, IndicatorType type) {
        List<Indicator> ofType = indicators.stream().filter(i -> i.type() == type).toList();
        String value = ofType.get(random.nextInt(ofType.size())).value();
        if (random.nextInt(4) > 0) return value;
        char[] other = value.toCharArray();
        other[random.nextInt(other.length)] = (char) ('a' + random.nextInt(26));
        return new String(other);
    }

    /** The text with each letter upper-cased or not at random (exact values match case-insensitively). */
    private static String randomCase(Random random, String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (char c : text.toCharArray()) s.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
        return s.toString();
    }

    private static String randomIp(Random random, List<String> c2) {
        if (random.nextBoolean()) {
            for (int tries = 0; tries < 10; tries++) {
                String v = c2.get(random.nextInt(c2.size()));
                if (Character.isDigit(v.charAt(0)) && !v.contains("/")) return v;
            }
        }
        return random.nextInt(224) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
    }

    private static List<IndicatorType> types(List<IndicatorHit> hits) {
        return hits.stream().map(h -> h.indicator().type()).toList();
    }
}
