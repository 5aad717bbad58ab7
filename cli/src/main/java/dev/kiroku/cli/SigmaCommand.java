package dev.kiroku.cli;

import dev.kiroku.detect.sigma.SigmaLint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Sigma rule tools. */
@Command(name = "sigma", mixinStandardHelpOptions = true, description = "Sigma rule tools.",
        subcommands = SigmaCommand.Lint.class)
final class SigmaCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "lint", mixinStandardHelpOptions = true,
            description = "Load Sigma rule files and report, per file, whether it loaded or was refused and why.")
    static final class Lint implements Callable<Integer> {
        @Option(names = "--json", description = "one JSON object per rule file, then a summary line")
        boolean json;

        @Parameters(arity = "1..*", paramLabel = "PATH", description = "rule files or directories")
        List<Path> paths;

        @Override
        public Integer call() {
            return SigmaLint.run(paths, json, System.out);
        }
    }
}
