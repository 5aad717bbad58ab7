package dev.kiroku.indicators.repo;

import dev.kiroku.event.FileChange;
import dev.kiroku.indicators.Datasets;
import dev.kiroku.indicators.Events;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.IndicatorAction;
import dev.kiroku.indicators.IndicatorFiles;
import dev.kiroku.indicators.IndicatorSource;
import dev.kiroku.indicators.SourceFormat;
import dev.kiroku.indicators.expr.EventView;
import dev.kiroku.indicators.lists.PlainListReader;
import dev.kiroku.indicators.stix.StixBundleReader;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IndicatorRepositoryTest {
    @TempDir
    Path dir;

    @Test
    void storesAndRebuildsIndicatorsOfEveryFormatAcrossReopening() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dir.resolve("state") + ";DB_CLOSE_DELAY=0");
        List<Indicator> all = new ArrayList<>();
        for (Path f : Datasets.openIocFiles()) all.addAll(IndicatorFiles.read(f).indicators());
        all.addAll(new PlainListReader().read(Path.of("feed.txt"), List.of("203.0.113.7;c2", "evil.example", "dropper.elf")).indicators());
        all.add(StixBundleReader.fromPattern("indicator--s", new IndicatorSource(SourceFormat.STIX_2_1, "b.json", "indicator--s"),
                "([process:name = 'curl'] FOLLOWEDBY [file:name = 'x.sh']) WITHIN 60 SECONDS", List.of("campaign:x"), "seq")
                .withAction(IndicatorAction.BLOCK).withExpiry(Instant.parse("2030-01-01T00:00:00Z")));

        IndicatorRepository repo = new IndicatorRepository(ds);
        assertThat(repo.schemaVersion()).isEqualTo(1);
        repo.saveAll(all);
        repo.saveAll(all.subList(0, 3)); // replacing by id, not duplicating

        IndicatorRepository reopened = new IndicatorRepository(ds);
        assertThat(reopened.count()).isEqualTo(all.stream().map(Indicator::id).distinct().count());
        Indicator stix = reopened.find("indicator--s").orElseThrow();
        assertThat(stix.sequence()).isNotNull();
        assertThat(stix.action()).isEqualTo(IndicatorAction.BLOCK);
        assertThat(stix.expires()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(stix.tags()).containsExactly("campaign:x");
        java.util.Map<String, Indicator> stored = new java.util.HashMap<>();
        for (Indicator i : reopened.findAll()) stored.put(i.id(), i);
        for (Indicator original : all) {
            Indicator back = stored.get(original.id());
            assertThat(back.evaluable()).isEqualTo(original.evaluable());
            assertThat(back.unsupportedTerms()).isEqualTo(original.unsupportedTerms());
            if (original.sequence() == null) assertThat(back.condition()).isEqualTo(original.condition());
        }
        EventView event = EventView.of(Events.file("/tmp/dropper.elf", FileChange.Action.CREATE));
        assertThat(reopened.find("file_name:dropper.elf").orElseThrow().condition().evaluate(event).name()).isEqualTo("TRUE");
        assertThat(reopened.deleteBySource("feed.txt")).isEqualTo(3);
        assertThat(reopened.delete("indicator--s")).isTrue();
        assertThat(reopened.findBySource("feed.txt")).isEmpty();
    }

    @Test
    void aListRepeatingALineStoresItOnce() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dir.resolve("state") + ";DB_CLOSE_DELAY=0");
        IndicatorRepository repo = new IndicatorRepository(ds);
        List<Indicator> repeated = new PlainListReader().read(Path.of("feed.txt"),
                List.of("203.0.113.7", "198.51.100.0/24", "203.0.113.7;again")).indicators();
        assertThat(repo.saveAll(repeated)).isEqualTo(2);
        assertThat(repo.count()).isEqualTo(2);
        assertThat(repo.find("ip:203.0.113.7").orElseThrow().description()).isEqualTo(repeated.get(2).description());
    }
}
