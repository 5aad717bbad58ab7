package dev.kiroku.yara.api;

import java.util.List;

/**
 * What became of one rule file: compiled (possibly with warnings) or refused with its errors.
 *
 * @param rules          rule declarations found in the file (a source count; 0 when refused before parsing)
 * @param missingModules modules the file imports that libyara lacks, with the rules that use them
 */
public record FileVerdict(String file, Status status, int rules, List<CompileDiagnostic> errors,
                          List<CompileDiagnostic> warnings, List<MissingModule> missingModules) {
    public enum Status { COMPILED, REFUSED }

    public FileVerdict {
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        missingModules = List.copyOf(missingModules);
    }

    public boolean compiled() {
        return status == Status.COMPILED;
    }

    /** The first error as one line, or null when compiled. */
    public String reason() {
        return errors.isEmpty() ? null : errors.getFirst().toString();
    }
}
