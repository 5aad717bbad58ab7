package dev.kiroku.server.sandbox;

import dev.kiroku.investigate.incident.Incidents;
import dev.kiroku.sandbox.BuiltInAnalyzer;
import dev.kiroku.sandbox.detonate.BehaviourRules;
import dev.kiroku.sandbox.detonate.LiveEvents;
import dev.kiroku.sandbox.queue.AlertLog;
import dev.kiroku.sandbox.queue.AnalysisQueue;
import dev.kiroku.sandbox.queue.ReportStore;
import dev.kiroku.sandbox.rest.SandboxRoutes;
import dev.kiroku.sandbox.statics.KnownBadHashes;
import dev.kiroku.sandbox.statics.StaticCheck;
import dev.kiroku.sandbox.statics.YaraCheck;
import dev.kiroku.server.detect.Detection;
import dev.kiroku.server.response.BlockList;
import io.javalin.config.JavalinConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * The built-in analyser in the server: submissions through REST go to one queue (deduplicated by SHA-256),
 * reports are kept under the data directory, and medium and high verdicts are written to the sandbox alert
 * log. A known-bad hash list is read from {@code known-bad-hashes.txt} in the sandbox directory when present, and
 * YARA rule files from its {@code yara/} directory (next to Kiroku's own rule set).
 */
public final class SandboxService implements AutoCloseable {
    private final BehaviourRules behaviour = BehaviourRules.builtIn();
    private final AnalysisQueue queue;
    private final SandboxRoutes routes;
    private final LiveEvents liveEvents = new LiveEvents();
    private final Optional<YaraCheck> yara;
    private final Path directory;

    public SandboxService(Path directory, InstantSource clock) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory);
        Path knownBadFile = directory.resolve("known-bad-hashes.txt");
        KnownBadHashes knownBad = Files.exists(knownBadFile) ? KnownBadHashes.load(knownBadFile) : KnownBadHashes.empty();
        Path yaraRules = directory.resolve("yara");
        yara = YaraCheck.tryLoad(Files.isDirectory(yaraRules) ? List.of(yaraRules) : List.of(),
                problem -> System.err.println("kiroku sandbox: " + problem));
        BuiltInAnalyzer analyzer = BuiltInAnalyzer.standard(directory, knownBad, yara.<List<StaticCheck>>map(List::of).orElse(List.of()),
                liveEvents, behaviour);
        queue = new AnalysisQueue(analyzer, new ReportStore(directory), directory, AnalysisQueue.DEFAULT_ALLOWANCE, clock);
        queue.addListener(new AlertLog(directory));
        routes = new SandboxRoutes(queue, directory.resolve("uploads"), BuiltInAnalyzer.DEFAULT_MAX_FILE_BYTES);
    }

    /** Detonations are judged by the rule pack and also by {@code judge} (the server's user rules and indicators). */
    public void judgeAlso(BehaviourRules.Judge judge) {
        behaviour.addJudge(judge);
    }

    /**
     * Subscribes what the policy ({@code policy.properties}, see {@link SandboxPolicy}) asks for on high and
     * medium verdicts: block list, alert, incident note.
     *
     * @throws IOException when the policy file is malformed (the error names the key)
     */
    public void closeTheLoop(BlockList blockList, Detection detection, Incidents incidents, InstantSource clock) throws IOException {
        queue.addListener(new SandboxVerdicts(SandboxPolicy.load(directory), blockList, detection, incidents, clock));
    }

    public AnalysisQueue queue() {
        return queue;
    }

    /**
     * Feed this every stored batch; {@linkplain LiveEvents#attach() attach} it when an agent runs in
     * the server's process, and detonations take the sample's behaviour from that agent's recording.
     */
    public LiveEvents liveEvents() {
        return liveEvents;
    }

    public void register(JavalinConfig config) {
        routes.register(config);
    }

    @Override
    public void close() throws InterruptedException {
        queue.close();
        yara.ifPresent(YaraCheck::close);
    }
}
