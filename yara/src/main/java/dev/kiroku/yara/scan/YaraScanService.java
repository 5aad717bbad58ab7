package dev.kiroku.yara.scan;

import dev.kiroku.yara.api.YaraScanRequest;
import dev.kiroku.yara.api.YaraScanResult;
import dev.kiroku.yara.compile.CompiledRules;
import dev.kiroku.yara.compile.RuleSetCompiler;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Runs a {@link YaraScanRequest} on this endpoint, the way the agent answers a sweep from the server: compiles the
 * request's rules (refused sources are reported in the result, the rest still scans), counts the targets so that
 * progress can be told, scans every path and every selected process, and returns the {@link YaraScanResult}. Matches
 * are also handed to the collector's listener as they are found, progress to its progress listener.
 */
public final class YaraScanService {
    private final RuleSetCompiler compiler = new RuleSetCompiler();
    private final Path proc;

    public YaraScanService() {
        this(Path.of("/proc"));
    }

    YaraScanService(Path proc) {
        this.proc = proc;
    }

    public YaraScanResult execute(YaraScanRequest request) throws InterruptedException {
        return execute(request, new ScanCollector());
    }

    public YaraScanResult execute(YaraScanRequest request, ScanCollector out) throws InterruptedException {
        try (CompiledRules rules = compiler.compileSources(request.rules());
             YaraScanner scanner = new YaraScanner(rules, request.options())) {
            Set<Long> pids = new LinkedHashSet<>(request.pids());
            pids.addAll(new ProcessSelector(request.processNames(), proc).select());
            out.planned(pids.size());
            for (String path : request.paths()) {
                out.planned(scanner.countTargets(Path.of(path)));
            }
            for (String path : request.paths()) {
                scanner.scanPath(Path.of(path), out);
            }
            for (long pid : pids) {
                scanner.scanProcess(pid, out);
            }
            return out.toResult(request.requestId(), rules.refused());
        }
    }
}
