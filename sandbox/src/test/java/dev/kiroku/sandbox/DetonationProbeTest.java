package dev.kiroku.sandbox;

import dev.kiroku.event.EventCodec;
import dev.kiroku.sandbox.detonate.BehaviourRules;
import dev.kiroku.sandbox.detonate.Detonator;
import dev.kiroku.sandbox.statics.ArchiveLimits;
import dev.kiroku.sandbox.statics.KnownBadHashes;
import dev.kiroku.sandbox.statics.StaticAnalyzer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;

class DetonationProbeTest {
    @Test
    void probe(@TempDir Path dir) throws Exception {
        BuiltInAnalyzer analyzer = new BuiltInAnalyzer(new StaticAnalyzer(StaticAnalyzer.builtInChecks(KnownBadHashes.empty()), ArchiveLimits.defaults()),
                new Detonator(dir.resolve("runs"), Detonator.Settings.defaults(), BehaviourRules.builtIn()), 32 << 20, InstantSource.system());
        for (String name : System.getProperty("probe.samples", "reverse-shell.sh").split(",")) {
            Report r = analyzer.analyze(Sample.of(Samples.copy(name, dir)), AnalysisOptions.defaults().withTimeLimit(Duration.ofSeconds(5)));
            System.out.println(EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(r));
        }
    }
}
