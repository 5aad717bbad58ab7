package dev.kiroku.yara.compile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code yarac} command-line compiler from the Debian {@code yara} package, asked for its verdict on a rule
 * file with the same external variables Kiroku declares: the reference Kiroku's compile results are compared with.
 */
public final class YaracCli {
    /** yarac's verdict: accepted, or the first line it printed. */
    public record Verdict(boolean accepted, String message) {
    }

    private final String executable;

    public YaracCli() {
        this("yarac");
    }

    public YaracCli(String executable) {
        this.executable = executable;
    }

    public Verdict check(Path ruleFile) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(executable, "-w"));
        for (String name : ExternalVariables.NAMES) {
            command.add("-d");
            command.add(name + "=");
        }
        command.add(ruleFile.toString());
        command.add("/dev/null");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Verdict(false, "yarac did not finish in 60 s");
        }
        String text = new String(output, StandardCharsets.UTF_8).strip();
        return new Verdict(process.exitValue() == 0, text.lines().findFirst().orElse(""));
    }
}
