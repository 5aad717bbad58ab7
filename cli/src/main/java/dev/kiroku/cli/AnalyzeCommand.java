package dev.kiroku.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kiroku.sandbox.AnalysisOptions;
import dev.kiroku.sandbox.BuiltInAnalyzer;
import dev.kiroku.sandbox.Reason;
import dev.kiroku.sandbox.Report;
import dev.kiroku.sandbox.Sample;
import dev.kiroku.sandbox.detonate.DetonationReport;
import dev.kiroku.sandbox.queue.AlertLog;
import dev.kiroku.sandbox.queue.ReportStore;
import dev.kiroku.sandbox.statics.KnownBadHashes;
import dev.kiroku.sandbox.statics.StaticCheck;
import dev.kiroku.sandbox.statics.YaraCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code kiroku analyze FILE}: static analysis and a detonation in the sandbox, with a risk verdict. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Analyse a file: static analysis and a run in the namespace sandbox recorded by Kiroku's sensor; prints the verdict (high, medium, low, none), score and reasons. The report is kept under var/sandbox/reports.")
final class AnalyzeCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    @Parameters(index = "0", paramLabel = "FILE", description = "the file to analyse")
    Path file;

    @Option(names = "--json", description = "print the full report as JSON")
    boolean json;

    @Option(names = "--no-detonate", description = "static analysis only")
    boolean noDetonate;

    @Option(names = "--time-limit", paramLabel = "SECONDS", description = "how long the sample may run (default: ${DEFAULT-VALUE})", defaultValue = "8")
    int timeLimit;

    @Option(names = "--known-bad", paramLabel = "FILE", description = "known-bad SHA-256 list, one per line")
    Path knownBad;

    @Option(names = "--yara", paramLabel = "PATH", description = "YARA rule file or directory to run next to Kiroku's own rules (repeatable)")
    List<Path> yaraRules = List.of();

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) {
            System.err.println("kiroku analyze: " + file + " is not a readable file");
            return 2;
        }
        if (timeLimit < 1 || timeLimit > 300) {
            System.err.println("kiroku analyze: --time-limit must be 1..300 seconds, got " + timeLimit);
            return 2;
        }
        KnownBadHashes bad = knownBad == null ? KnownBadHashes.empty() : KnownBadHashes.load(knownBad);
        for (String problem : bad.problems()) System.err.println("kiroku analyze: skipped " + problem);
        Path data = Home.dataDirectory().resolve("sandbox");
        Files.createDirectories(data);
        Optional<YaraCheck> yara = YaraCheck.tryLoad(yaraRules, problem -> System.err.println("kiroku analyze: " + problem));
        Report report;
        try {
            BuiltInAnalyzer analyzer = BuiltInAnalyzer.standard(data, bad, yara.<List<StaticCheck>>map(List::of).orElse(List.of()));
            report = analyzer.analyze(Sample.of(file), new AnalysisOptions(!noDetonate, Duration.ofSeconds(timeLimit)));
        } finally {
            yara.ifPresent(YaraCheck::close);
        }
        new ReportStore(data).save(report);
        new AlertLog(data).onVerdict(report);
        if (json) {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        } else {
            print(report);
        }
        return 0;
    }

    private static void print(Report r) {
        System.out.printf("%s  %s  (%d bytes, sha256 %s)%n", r.verdict().label().toUpperCase(), r.name(), r.size(), r.sha256());
        System.out.printf("score %d/100%n", r.score());
        if (r.statics() != null) System.out.printf("type %s, entropy %.2f%n", r.statics().type().label(), r.statics().entropy());
        for (Reason reason : r.reasons())
            System.out.printf("  %s %-28s %s%n      %s%n", reason.weight() == 0 ? "   " : String.format("+%-2d", reason.weight()), reason.code(), reason.summary(), reason.evidence());
        DetonationReport d = r.detonation();
        if (d == null) return;
        System.out.printf("detonation: %s in %d ms, exit %d%s%n", d.status(), d.durationMillis(), d.exitCode(), d.note().isEmpty() ? "" : " (" + d.note() + ")");
        if (!d.recording().isEmpty()) System.out.println("recorded by: " + d.recording());
        for (DetonationReport.ProcessNode p : d.processes()) System.out.printf("  %s%d %s%n", "  ".repeat(p.depth()), p.pid(), p.commandLine());
        d.filesWritten().forEach(f -> System.out.printf("  wrote %s (%d bytes, %s)%n", f.path(), f.size(), f.type()));
        d.connections().forEach(c -> System.out.printf("  connect %s:%d (%s) %s%n", c.destinationIp(), c.destinationPort(), c.seenBy(), c.detail()));
        d.dnsQueries().forEach(q -> System.out.println("  dns " + q));
        d.rules().forEach(h -> System.out.printf("  rule %s (%s)%n", h.title(), h.level()));
    }
}
