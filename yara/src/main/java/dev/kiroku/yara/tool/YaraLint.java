package dev.kiroku.yara.tool;

import dev.kiroku.yara.api.CompileDiagnostic;
import dev.kiroku.yara.api.FileVerdict;
import dev.kiroku.yara.api.YaraJson;
import dev.kiroku.yara.compile.RuleSetCompiler;
import dev.kiroku.yara.compile.YaracCli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks YARA rule files: one line per file (a JSON object or text) with its status, errors and warnings by line,
 * and the rules that need a module libyara lacks; optionally yarac's verdict beside Kiroku's; then a summary.
 * The CLI ({@code kiroku yara lint}) wraps this.
 */
public final class YaraLint {
    private YaraLint() {
    }

    /** @return 0 when every file compiled, 1 when some were refused, 2 when Kiroku and yarac disagree */
    public static int run(List<Path> paths, boolean json, boolean compareYarac, PrintStream out)
            throws IOException, InterruptedException {
        RuleSetCompiler compiler = new RuleSetCompiler();
        YaracCli yarac = new YaracCli();
        int compiled = 0;
        int refused = 0;
        int rules = 0;
        List<String> disagreements = new ArrayList<>();
        for (Path file : RuleSetCompiler.ruleFiles(paths)) {
            FileVerdict verdict = compiler.check(file);
            YaracCli.Verdict reference = compareYarac ? yarac.check(file) : null;
            if (verdict.compiled()) {
                compiled++;
                rules += verdict.rules();
            } else {
                refused++;
            }
            if (reference != null && reference.accepted() != verdict.compiled()) {
                disagreements.add(verdict.file());
            }
            if (json) {
                out.println(YaraJson.write(line(verdict, reference)));
            } else {
                printText(verdict, reference, out);
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("compiled", compiled);
        summary.put("refused", refused);
        summary.put("rules_in_compiled_files", rules);
        if (compareYarac) {
            summary.put("disagreements_with_yarac", disagreements.size());
        }
        if (json) {
            out.println(YaraJson.write(Map.of("summary", summary)));
        } else {
            out.println("compiled " + compiled + " files (" + rules + " rules), refused " + refused
                    + (compareYarac ? ", disagreements with yarac " + disagreements.size() : ""));
        }
        return !disagreements.isEmpty() ? 2 : refused > 0 ? 1 : 0;
    }

    private static Map<String, Object> line(FileVerdict verdict, YaracCli.Verdict reference) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("file", verdict.file());
        line.put("status", verdict.compiled() ? "compiled" : "refused");
        line.put("rules", verdict.rules());
        line.put("reason", verdict.reason());
        line.put("errors", verdict.errors().stream().map(YaraLint::diagnostic).toList());
        line.put("warnings", verdict.warnings().stream().map(YaraLint::diagnostic).toList());
        line.put("missing_modules", verdict.missingModules().stream().map(m -> Map.of(
                "module", m.module(), "line", m.line(), "rules", m.rules())).toList());
        if (reference != null) {
            line.put("yarac", Map.of("accepted", reference.accepted(), "message", reference.message()));
        }
        return line;
    }

    private static Map<String, Object> diagnostic(CompileDiagnostic d) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("file", d.file());
        map.put("line", d.line());
        map.put("rule", d.rule());
        map.put("message", d.message());
        return map;
    }

    private static void printText(FileVerdict verdict, YaracCli.Verdict reference, PrintStream out) {
        out.println(verdict.file() + ": " + (verdict.compiled() ? "compiled (" + verdict.rules() + " rules)" : "refused")
                + (reference == null ? "" : reference.accepted() == verdict.compiled() ? " [yarac agrees]"
                : " [yarac DISAGREES: " + (reference.accepted() ? "accepted" : reference.message()) + "]"));
        verdict.errors().forEach(e -> out.println("  " + e));
        verdict.warnings().forEach(w -> out.println("  " + w));
        verdict.missingModules().forEach(m -> out.println("  module " + m.module() + " is not in this libyara; "
                + (m.rules().isEmpty() ? "imported, but no rule uses it" : "rules needing it: " + String.join(", ", m.rules()))));
    }
}
