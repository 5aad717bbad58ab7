package dev.kiroku.server.yara;

import dev.kiroku.yara.api.CompileDiagnostic;
import dev.kiroku.yara.api.FileVerdict;
import dev.kiroku.yara.api.RuleSource;
import dev.kiroku.yara.compile.CompiledRules;
import dev.kiroku.yara.compile.RuleSetCompiler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks YARA rule files before they are used: each is compiled by libyara as an endpoint would compile it (each
 * file its own namespace, one refused file does not stop the others) and reported with its errors and warnings by
 * line, and the rules that need a module libyara lacks.
 */
final class RuleCheck {
    private RuleCheck() {
    }

    /** The REST answer of {@code POST /api/v1/yara/check} (docs/yara.md). */
    static Map<String, Object> check(List<RuleSource> sources) {
        if (sources.isEmpty()) throw new IllegalArgumentException("give at least one rule file ('rules': [{name, source}])");
        for (RuleSource source : sources) {
            if (source.source() == null || source.source().isBlank()) throw new IllegalArgumentException("rule file '" + source.name() + "' is empty");
        }
        try (CompiledRules compiled = new RuleSetCompiler().compileSources(sources)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("valid", compiled.refused().isEmpty());
            body.put("rules", compiled.ruleCount());
            body.put("files", compiled.verdicts().stream().map(RuleCheck::file).toList());
            return body;
        }
    }

    private static Map<String, Object> file(FileVerdict verdict) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", verdict.file());
        m.put("compiled", verdict.compiled());
        m.put("rules", verdict.rules());
        m.put("errors", verdict.errors().stream().map(RuleCheck::diagnostic).toList());
        m.put("warnings", verdict.warnings().stream().map(RuleCheck::diagnostic).toList());
        m.put("missing_modules", verdict.missingModules());
        return m;
    }

    private static Map<String, Object> diagnostic(CompileDiagnostic d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("line", d.line());
        m.put("rule", d.rule());
        m.put("message", d.message());
        return m;
    }
}
