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
        description = {"Run a benchmark. Human lines, or one JSON object with --json.",
                "  capture     exec/connect/file storm captured by the agent vs auditd's CPU",
                "  store       store ingest rate, bytes per event, search latency",
                "  journal     agent journal write/read rate and bytes per event",
                "  sigma       compiled Sigma matcher vs the oracle",
                "  atomics     Atomic Red Team live verification and a benign workload",
                "  fleet       simulated agents over the real protocol against a real server",
                "  ioc         live indicator matching overhead and retro-hunt latency",
                "  yara        Kiroku's libyara scanning vs the yara command",
                "  response    isolation time, exec blocking cost, block propagation",
                "  investigate ancestry, root cause and scope over a simulated fleet",
                "  sandbox     analyses per minute and verdicts of the test samples",
                "  console     latency of the console's page API calls over a filled store",
        })
final class BenchCommand implements Callable<Integer> {
    enum Name { capture, store, journal, sigma, atomics, fleet, ioc, yara, response, investigate, sandbox, console }

    @Parameters(index = "0", paramLabel = "NAME", description = "one of: capture, store, journal, sigma, atomics, fleet, ioc, yara, response, investigate, sandbox, console")
    Name name;

    @Option(names = "--quick", description = "a smaller run that finishes in under 60 s")
    boolean quick;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Option(names = "--dir", paramLabel = "DIR", description = "scratch directory (default: a new temporary directory)")
    Path dir;

    @Option(names = "--agents", defaultValue = "0", description = "fleet: simulated agents (default 500, 100 with --quick)")
    int agents;

    @Option(names = "--rate", defaultValue = "0", description = "fleet: events per second per agent (default 20)")
    int rate;

    @Option(names = "--samples", paramLabel = "DIR", description = "sandbox: sample directory with expected-verdicts.tsv (default: sandbox/src/test/resources/samples of the installation)")
    Path samples;

    @Option(names = "--store", paramLabel = "DIR", description = "ioc, console: use this existing event store (e.g. a bench investigate directory with events/) instead of building one; ioc opens it for writing (give it a copy), console links it and never writes to it")
    Path store;

    @Override
    public Integer call() throws Exception {
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("kiroku-bench-");
        return switch (name) {
            case capture -> dev.kiroku.bench.CaptureBench.run(quick, json, System.out, work);
            case store -> { StoreBench.run(quick, json, System.out, work, JournalBench::bytesOnDisk); yield 0; }
            case journal -> { JournalBench.run(quick, json, System.out, work); yield 0; }
            case sigma -> SigmaBench.run(quick, json, System.out);
            case atomics -> dev.kiroku.bench.AtomicsBench.run(quick, json, System.out, work);
            case fleet -> dev.kiroku.bench.FleetBench.run(quick, json, agents, rate, System.out, work);
            case ioc -> dev.kiroku.bench.IocBench.run(quick, json, System.out, work, store);
            case yara -> dev.kiroku.bench.YaraBench.run(quick, json, System.out, work);
            case response -> dev.kiroku.bench.ResponseBench.run(quick, json, System.out, work);
            case investigate -> dev.kiroku.bench.investigate.InvestigateBench.run(quick, json, System.out, work);
            case sandbox -> dev.kiroku.bench.SandboxBench.run(quick, json, System.out, work, samples != null ? samples
                    : Home.dataDirectory().getParent().resolve("sandbox/src/test/resources/samples"));
            case console -> dev.kiroku.bench.ConsoleBench.run(quick, json, System.out, work, store);
        };
    }
}
