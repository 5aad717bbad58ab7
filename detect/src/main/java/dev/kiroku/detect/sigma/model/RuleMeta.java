package dev.kiroku.detect.sigma.model;

import java.util.List;

/**
 * Descriptive metadata of a Sigma rule, correlation or filter.
 *
 * @param techniques ATT&CK technique ids from {@code attack.tNNNN[.NNN]} tags, upper-cased ("T1059.004")
 * @param tactics ATT&CK tactic names from {@code attack.<name>} tags ("execution")
 * @param line 1-based line of the YAML document's start
 */
public record RuleMeta(
        String id,
        String name,
        String title,
        String status,
        String level,
        String description,
        String author,
        List<String> references,
        List<String> tags,
        List<String> techniques,
        List<String> tactics,
        List<String> falsePositives,
        LogSource logsource,
        String file,
        int line) {

    public RuleMeta {
        references = List.copyOf(references);
        tags = List.copyOf(tags);
        techniques = List.copyOf(techniques);
        tactics = List.copyOf(tactics);
        falsePositives = List.copyOf(falsePositives);
    }

    /** The id if present, else the name, else file:line. */
    public String key() {
        if (id != null) return id;
        if (name != null) return name;
        return file + ":" + line;
    }
}
