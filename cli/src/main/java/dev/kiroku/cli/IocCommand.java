package dev.kiroku.cli;

import dev.kiroku.indicators.lint.IocLint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Indicator-of-compromise tools (OpenIOC, STIX 2.1, plain and signature-base lists). */
@Command(name = "ioc", mixinStandardHelpOptions = true, description = "Indicator-of-compromise tools.",
        subcommands = IocCommand.Lint.class)
final class IocCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "lint", mixinStandardHelpOptions = true,
            description = "Read indicator files (OpenIOC, STIX 2.1 JSON, lists) and report, per file, whether it parsed, "
                    + "how many indicators it holds and which terms Kiroku cannot evaluate.")
    static final class Lint implements Callable<Integer> {
        @Option(names = "--json", description = "one JSON object per file")
        boolean json;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "indicator files or directories")
        List<Path> paths;

        @Override
        public Integer call() {
            return IocLint.run(paths, json, System.out);
        }
    }
}
