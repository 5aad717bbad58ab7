package dev.kiroku.server.detect;

import dev.kiroku.detect.sigma.LoadReport;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rule text's problems as an editor shows them: {@code {line, column, message}}, 1-based. YAML syntax errors get the
 * parser's own column; problems with a rule's content point at the first character of the line they were found on.
 */
final class RuleDiagnostics {
    private RuleDiagnostics() {
    }

    static List<Map<String, Object>> of(String text, List<LoadReport.Problem> problems) {
        String[] lines = text.split("\n", -1);
        int[] syntax = null;
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (LoadReport.Problem problem : problems) {
            int line = problem.line();
            int column = line >= 1 && line <= lines.length ? firstCharacter(lines[line - 1]) : 1;
            if (problem.reason() != null && problem.reason().startsWith("invalid YAML")) {
                if (syntax == null) syntax = syntaxError(text);
                if (syntax[0] == line || line == 0) {
                    line = syntax[0];
                    column = syntax[1];
                }
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("line", line);
            d.put("column", column);
            d.put("message", problem.reason());
            out.add(d);
        }
        return out;
    }

    private static int firstCharacter(String line) {
        for (int i = 0; i < line.length(); i++) if (!Character.isWhitespace(line.charAt(i))) return i + 1;
        return 1;
    }

    /** The 1-based line and column where the YAML parser stopped; {0, 1} when it does not stop. */
    private static int[] syntaxError(String text) {
        try {
            new Compose(LoadSettings.builder().setAllowDuplicateKeys(true).build()).composeAllFromString(text).forEach(node -> { });
            return new int[]{0, 1};
        } catch (MarkedYamlEngineException e) {
            return e.getProblemMark().or(e::getContextMark).map(m -> new int[]{m.getLine() + 1, m.getColumn() + 1}).orElse(new int[]{0, 1});
        } catch (YamlEngineException e) {
            return new int[]{0, 1};
        }
    }
}
