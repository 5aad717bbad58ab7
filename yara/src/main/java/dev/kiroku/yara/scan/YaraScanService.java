package dev.kiroku.yara.scan;

import dev.kiroku.yara.api.YaraScanRequest;
import dev.kiroku.yara.api.YaraScanResult;
import dev.kiroku.yara.compile.CompiledRules;
import dev.kiroku.yara.compile.RuleSetCompiler;

import java.nio.file.Path;

/**
 * Runs a {@link YaraScanRequest} on this endpoint, the way the agent answers a sweep from the server: compiles the
 * request's rules (refused sources are reported in the result, the rest still scans), scans every path and process,
 * and returns the {@link YaraScanResult}. Matches are also handed to the collector's listener as they are found.
 */
public final class YaraScanService {
    private final RuleSetCompiler compiler = new RuleSetCompiler();

    public YaraScanResult execute(YaraScanRequest request) throws InterruptedException {
        return execute(request, new ScanCollector());
    }

    public YaraScanResult execute(YaraScanRequest request, ScanCollector out) throws InterruptedException {
        try (CompiledRules rules = compiler.compileSources(request.rules());
             YaraScanner scanner = new YaraScanner(rules, request.options())) {
            for (String path : request.paths()) {
                scanner.scanPath(Path.of(path), out);
            }
            for (long pid : request.pids()) {
                scanner.scanProcess(pid, out);
            }
            return out.toResult(request.requestId(), rules.refused());
        }
    }
}
