package dev.kiroku.cli;

import dev.kiroku.yara.api.ScanOptions;
import dev.kiroku.yara.tool.YaraLint;
import dev.kiroku.yara.tool.YaraScanTool;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** YARA through libyara: scan files, directories and processes; check rule files. */
@Command(name = "yara", mixinStandardHelpOptions = true, description = "YARA scanning, rule checks (libyara) and fleet-wide sweeps.",
        subcommands = {YaraCommand.Scan.class, YaraCommand.Lint.class, YaraSweepCommand.Start.class, YaraSweepCommand.Show.class,
                YaraPolicyCommand.class})
final class YaraCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "scan", mixinStandardHelpOptions = true,
            description = "Scan files, directory trees and process memory with YARA rules. Exit 1 when something matched.")
    static final class Scan implements Callable<Integer> {
        @Option(names = "--rules", arity = "1..*", required = true, paramLabel = "PATH", description = "rule files or directories")
        List<Path> rules;

        @Option(names = "--pid", paramLabel = "PID", description = "scan the readable memory of this process (repeatable)")
        List<Long> pids = new ArrayList<>();

        @Option(names = "--include", paramLabel = "GLOB", description = "scan only files matching (name, or relative path when it has a /)")
        List<String> include = new ArrayList<>();

        @Option(names = "--exclude", paramLabel = "GLOB", description = "leave out files and directories matching")
        List<String> exclude = new ArrayList<>();

        @Option(names = "--max-size", paramLabel = "BYTES", description = "skip larger files (default ${DEFAULT-VALUE})")
        long maxSize = ScanOptions.DEFAULT_MAX_FILE_SIZE;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "per file or process (default ${DEFAULT-VALUE})")
        int timeout = ScanOptions.DEFAULT_TIMEOUT_SECONDS;

        @Option(names = "--rate", paramLabel = "BYTES_PER_S", description = "I/O budget, 0 for none (default ${DEFAULT-VALUE})")
        long rate;

        @Option(names = "--duty", paramLabel = "FRACTION", description = "CPU budget: share of time spent scanning, (0,1] (default ${DEFAULT-VALUE})")
        double duty = 1.0;

        @Option(names = "--json", description = "print the whole result as one JSON object")
        boolean json;

        @Parameters(arity = "0..*", paramLabel = "TARGET", description = "files or directories")
        List<Path> targets = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            if (targets.isEmpty() && pids.isEmpty()) {
                throw new CommandLine.ParameterException(new CommandLine(this), "give a TARGET or --pid");
            }
            ScanOptions options = new ScanOptions(include, exclude, maxSize, timeout, rate, duty, ScanOptions.DEFAULT_REGION_CHUNK);
            return YaraScanTool.run(rules, targets, pids, options, json, System.out, System.err);
        }
    }

    @Command(name = "lint", mixinStandardHelpOptions = true,
            description = "Compile rule files one by one and report per file: compiled or refused, errors and warnings with line.")
    static final class Lint implements Callable<Integer> {
        @Option(names = "--json", description = "one JSON object per rule file, then a summary line")
        boolean json;

        @Option(names = "--compare-yarac", description = "also ask the yarac command for its verdict on each file")
        boolean compareYarac;

        @Parameters(arity = "1..*", paramLabel = "PATH", description = "rule files or directories")
        List<Path> paths;

        @Override
        public Integer call() throws Exception {
            return YaraLint.run(paths, json, compareYarac, System.out);
        }
    }
}
