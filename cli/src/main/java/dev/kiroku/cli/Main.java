package dev.kiroku.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kiroku} command. Each subcommand is a class beside this one. */
@Command(name = "kiroku", mixinStandardHelpOptions = true, version = "kiroku 0.1.0",
        description = "Kiroku EDR: record, detect, investigate, respond.",
        subcommands = {
                DemoCommand.class,
                ServerCommand.class,
                SearchCommand.class,
                AgentCommand.class,
                TokenCommand.class,
                EndpointsCommand.class,
                CommandsCommand.class,
                SigmaCommand.class,
                IocCommand.class,
                HuntCommand.class,
                AlertsCommand.class,
                RulesCommand.class,
                YaraCommand.class,
                BenchCommand.class,
                InvestigateCommand.class,
                IncidentCommand.class,
                AnalyzeCommand.class,
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}
