package dev.kiroku.sandbox.queue;

import dev.kiroku.sandbox.AnalysisOptions;
import dev.kiroku.sandbox.BuiltInAnalyzer;
import dev.kiroku.sandbox.Report;
import dev.kiroku.sandbox.Verdict;
import dev.kiroku.sandbox.detonate.BehaviourRules;
import dev.kiroku.sandbox.detonate.Detonator;
import dev.kiroku.sandbox.statics.ArchiveLimits;
import dev.kiroku.sandbox.statics.KnownBadHashes;
import dev.kiroku.sandbox.statics.StaticAnalyzer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(value = 10, unit = TimeUnit.MINUTES)
class AnalysisQueueTest {
    static Path sample(String name, Path dir) throws IOException {
        try (InputStream in = AnalysisQueueTest.class.getResourceAsStream("/samples/" + name)) {
            Path file = dir.resolve(name);
            Files.write(file, in.readAllBytes());
            return file;
        }
    }

    static BuiltInAnalyzer analyzer(Path dir, long maxBytes) {
        return new BuiltInAnalyzer(new StaticAnalyzer(StaticAnalyzer.builtInChecks(KnownBadHashes.empty()), ArchiveLimits.defaults()),
                new Detonator(dir.resolve("runs"), Detonator.Settings.defaults(), BehaviourRules.builtIn()), maxBytes, InstantSource.system());
    }

    @Test
    void sameHashIsAnalysedOnceAndReportsAreSearchable(@TempDir Path dir) throws Exception {
        ReportStore store = new ReportStore(dir);
        List<Report> heard = new CopyOnWriteArrayList<>();
        AlertLog alerts = new AlertLog(dir);
        try (AnalysisQueue queue = new AnalysisQueue(analyzer(dir, 1 << 20), store, dir, Duration.ofMinutes(3), InstantSource.system())) {
            queue.addListener(heard::add);
            queue.addListener(alerts);
            queue.addListener(r -> {
                throw new IllegalStateException("a broken listener");
            });
            Path shell = sample("reverse-shell.sh", dir);
            Path copy = Files.copy(shell, dir.resolve("renamed.sh"));
            Submission first = queue.submit(shell, "reverse-shell.sh", AnalysisOptions.staticOnly(), false);
            Submission second = queue.submit(copy, "renamed.sh", AnalysisOptions.staticOnly(), false);
            assertThat(second.sha256()).isEqualTo(first.sha256());
            assertThat(second.name()).isEqualTo("reverse-shell.sh");
            Files.delete(shell); // the queue keeps its own copy
            queue.submit(sample("benign-tool.sh", dir), "benign-tool.sh", AnalysisOptions.staticOnly(), false);
            Report report = queue.awaitReport(first.sha256(), Duration.ofMinutes(1)).orElseThrow();
            assertThat(report.verdict()).isEqualTo(Verdict.MEDIUM);
            await().atMost(Duration.ofMinutes(1)).until(() -> store.size() == 2);
            assertThat(queue.submit(copy, "again.sh", AnalysisOptions.staticOnly(), false).state()).isEqualTo(Submission.State.DONE);
            assertThat(heard).extracting(Report::sha256).containsExactly(first.sha256());
            assertThat(alerts.read()).singleElement().satisfies(a -> {
                assertThat(a.get("verdict")).isEqualTo("medium");
                assertThat(a.get("file.hash.sha256")).isEqualTo(first.sha256());
            });
        }
        ReportStore reopened = new ReportStore(dir);
        assertThat(reopened.problems()).isEmpty();
        assertThat(reopened.search(new ReportStore.Query(Verdict.MEDIUM, 0, null, 10))).extracting(ReportStore.Summary::name).containsExactly("reverse-shell.sh");
        assertThat(reopened.search(new ReportStore.Query(null, 0, "BENIGN", 10))).extracting(ReportStore.Summary::verdict).containsExactly(Verdict.NONE);
        assertThat(reopened.find(heard.getFirst().sha256()).orElseThrow().reasons()).isEqualTo(heard.getFirst().reasons());
    }

    /** A detonation that overruns the queue's deadline is abandoned with a report line; the samples after it are analysed. */
    @Test
    void aStuckSampleDoesNotStallTheQueue(@TempDir Path dir) throws Exception {
        ReportStore store = new ReportStore(dir);
        try (AnalysisQueue queue = new AnalysisQueue(analyzer(dir, 1 << 20), store, dir, Duration.ZERO, InstantSource.system())) {
            Submission stuck = queue.submit(sample("evasive.sh", dir), "evasive.sh", AnalysisOptions.defaults().withTimeLimit(Duration.ofSeconds(1)), false);
            Submission next = queue.submit(sample("benign-report.py", dir), "benign-report.py", AnalysisOptions.staticOnly(), false);
            Report abandoned = queue.awaitReport(stuck.sha256(), Duration.ofMinutes(1)).orElseThrow();
            assertThat(abandoned.reasons()).singleElement().satisfies(r -> {
                assertThat(r.code()).isEqualTo("analysis.stuck");
                assertThat(r.summary()).contains("abandoned");
            });
            assertThat(queue.awaitReport(next.sha256(), Duration.ofMinutes(1))).get().extracting(Report::verdict).isEqualTo(Verdict.NONE);
        }
    }

    @Test
    void tooLargeFilesGetAReportLine(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.bin");
        Files.write(big, new byte[4096]);
        Report report = analyzer(dir, 1024).analyze(dev.kiroku.sandbox.Sample.of(big), AnalysisOptions.defaults());
        assertThat(report.reasons()).singleElement().satisfies(r -> {
            assertThat(r.code()).isEqualTo("input.too_large");
            assertThat(r.summary()).contains("4096 bytes", "1024");
        });
        assertThat(report.detonation()).isNull();
    }
}
