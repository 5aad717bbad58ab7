package dev.kiroku.cli;

import dev.kiroku.agent.journal.JournalBench;
import dev.kiroku.detect.sigma.SigmaBench;
import dev.kiroku.store.bench.StoreBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Benchmarks, kept out of the test run. Each measures against a baseline in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark: capture, store, journal, sigma, atomics or ioc. Human lines, or one JSON object with --json.")
final class BenchCommand implements Callable<Integer> {
    enum Name { capture, store, journal, sigma, atomics, ioc }

    @Parameters(index = "0", paramLabel = "NAME", description = "capture, store, journal, sigma, atomics (Atomic Red Team live verification and a benign workload) or ioc (indicator matching and retro-hunts)")
    Name name;

    @Option(names = "--quick", description = "a smaller run that finishes in under 60 s")
    boolean quick;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Option(names = "--dir", paramLabel = "DIR", description = "scratch directory (default: a new temporary directory)")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("kiroku-bench-");
        return switch (name) {
            case capture -> dev.kiroku.bench.CaptureBench.run(quick, json, System.out, work);
            case store -> {
                StoreBench.run(quick, json, System.out, work);
                yield 0;
            }
            case journal -> {
                JournalBench.run(quick, json, System.out, work);
                yield 0;
            }
            case sigma -> SigmaBench.run(quick, json, System.out);
            case atomics -> dev.kiroku.bench.AtomicsBench.run(quick, json, System.out, work);
            case ioc -> dev.kiroku.bench.IocBench.run(quick, json, System.out, work);
        };
    }
}
