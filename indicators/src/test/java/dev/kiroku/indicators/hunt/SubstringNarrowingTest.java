package dev.kiroku.indicators.hunt;

import dev.kiroku.event.Event;
import dev.kiroku.indicators.Events;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.match.IndicatorHit;
import dev.kiroku.indicators.match.LiveMatcher;
import dev.kiroku.indicators.openioc.OpenIocParser;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "contains" on a command line is hunted by the words the substring must produce ({@code "-t"}: a word starting with
 * t, {@code "t-"}: one ending with t, {@code "ab-cd"}: a word ending with ab and one starting with cd): on random
 * command lines and random substrings of them (seeded), the hunt finds exactly what live matching finds, and the
 * anchored forms read fewer events than a word containing the text would.
 */
class SubstringNarrowingTest {
    private static final Instant NOW = Events.T0.plus(Duration.ofHours(2));
    private static final String[] TOKENS = {"-t", "-r", "--list", "tar", "cron", "rt", "x-t", "t-x", "ab-cd", "/bin/sh", "-c",
            "cat", "at", "ta", "-a", "run-parts", "list", "r"};

    @TempDir
    Path dir;

    @Test
    void randomSubstringsOfRandomCommandLinesAreHuntedExactlyAndNarrowly() throws Exception {
        Random random = new Random(20261127);
        List<Event> events = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            List<String> args = new ArrayList<>(List.of("prog"));
            int n = 1 + random.nextInt(4);
            for (int k = 0; k < n; k++) args.add(TOKENS[random.nextInt(TOKENS.length)]);
            lines.add(String.join(" ", args));
            Event e = Events.exec(1000 + i, "/usr/bin/prog", null, args.toArray(String[]::new));
            events.add(new Event(e.agentId(), i + 1, Events.T0.plusSeconds(i), e.hostName(), e.incomplete(), e.payload()));
        }
        List<String> values = new ArrayList<>(List.of("-t", "t-", "-r", "ab-cd", "b-c", "x-t", "-c", "-li", "st", "n-pa"));
        for (int k = 0; k < 30; k++) { // random substrings of the recorded lines
            String line = lines.get(random.nextInt(lines.size()));
            int from = random.nextInt(line.length() - 1);
            values.add(line.substring(from, Math.min(line.length(), from + 2 + random.nextInt(5))));
        }
        List<Indicator> indicators = new ArrayList<>();
        for (int k = 0; k < values.size(); k++) indicators.addAll(contains("sub-" + k, values.get(k)));

        try (LuceneEventStore store = new LuceneEventStore(dir, InstantSource.fixed(NOW), LuceneStoreOptions.defaults())) {
            store.append(events);
            store.commit();
            RetroHunt hunt = new RetroHunt(store, InstantSource.fixed(NOW), 10_000_000);
            LiveMatcher live = LiveMatcher.build(indicators, InstantSource.fixed(NOW));
            for (Indicator indicator : indicators) {
                RetroHunt.Result result = hunt.hunt(indicator, Events.T0.minus(Duration.ofDays(1)), NOW);
                Set<Long> expected = new HashSet<>();
                for (Event e : events) {
                    for (IndicatorHit h : live.match(e)) if (h.indicator().id().equals(indicator.id())) expected.add(e.sequence());
                }
                assertThat(result.hits().stream().map(h -> h.event().sequence()).collect(Collectors.toSet()))
                        .as("%s %s", indicator.description(), result.queries()).isEqualTo(expected);
            }
            RetroHunt.Result dashT = hunt.hunt(contains("dash-t", "-t"), Events.T0.minus(Duration.ofDays(1)), NOW);
            RetroHunt.Result anyT = hunt.hunt(contains("any-t", "t"), Events.T0.minus(Duration.ofDays(1)), NOW);
            assertThat(dashT.queries()).containsExactly("process.command_line:t*");
            assertThat(dashT.eventsExamined()).isLessThan(anyT.eventsExamined());
        }
    }

    private static List<Indicator> contains(String id, String value) {
        String xml = "<OpenIOC xmlns=\"http://openioc.org/schemas/OpenIOC_1.1\" id=\"" + id + "\"><metadata><short_description>"
                + id + "</short_description></metadata><criteria><Indicator operator=\"OR\">"
                + "<IndicatorItem condition=\"contains\"><Context search=\"ProcessItem/arguments\"/><Content type=\"string\">"
                + value.replace("&", "&amp;").replace("<", "&lt;") + "</Content></IndicatorItem></Indicator></criteria></OpenIOC>";
        return new OpenIocParser().parse(id + ".ioc", xml.getBytes(StandardCharsets.UTF_8)).evaluable();
    }
}
