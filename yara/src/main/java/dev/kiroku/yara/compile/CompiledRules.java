package dev.kiroku.yara.compile;

import dev.kiroku.yara.api.FileVerdict;
import dev.kiroku.yara.ffm.NativeRules;

import java.util.List;

/**
 * Rules compiled from the sources that libyara accepted, with a verdict for every source (compiled or refused and
 * why). Close it to free the native rules; scanners must be closed first.
 */
public record CompiledRules(NativeRules rules, int ruleCount, List<FileVerdict> verdicts) implements AutoCloseable {
    public CompiledRules {
        verdicts = List.copyOf(verdicts);
    }

    public List<FileVerdict> refused() {
        return verdicts.stream().filter(v -> !v.compiled()).toList();
    }

    public long compiledFiles() {
        return verdicts.stream().filter(FileVerdict::compiled).count();
    }

    @Override
    public void close() {
        rules.close();
    }
}
