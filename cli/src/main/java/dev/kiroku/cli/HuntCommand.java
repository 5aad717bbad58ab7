package dev.kiroku.cli;

import dev.kiroku.detect.sigma.Hunt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Offline hunting: Sigma rules over log files, without a server. */
@Command(name = "hunt", mixinStandardHelpOptions = true,
        description = "Evaluate Sigma rules over log files (JSON lines, JSON arrays, concatenated JSON objects, also inside .zip).")
final class HuntCommand implements Callable<Integer> {
    @Option(names = "--rules", required = true, paramLabel = "DIR_OR_FILE", description = "rule files or directories (repeatable)")
    List<Path> rules;

    @Option(names = "--format", defaultValue = "table", description = "table, json or csv (default ${DEFAULT-VALUE}); with json the per-rule counts go to standard error")
    Hunt.Format format;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "log files")
    List<Path> inputs;

    @Override
    public Integer call() {
        return Hunt.run(rules, inputs, format, System.out, System.err);
    }
}
