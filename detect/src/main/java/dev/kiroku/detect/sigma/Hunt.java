package dev.kiroku.detect.sigma;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs rules over log files without a server (raw mode: the logs' own field names, logsources not checked).
 * Streams every input in constant memory, prints one line per match, then counts per rule; malformed items are
 * reported with their position and skipped. The CLI wraps this.
 */
public final class Hunt {
    public enum Format { TABLE, JSON, CSV }

    /** What a run found. */
    public record Summary(long events, long malformed, long matches, long correlationMatches, long refusedRuleFiles) {
    }

    private final Matcher matcher;
    private final Correlator correlator;
    private final Format format;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, Long> counts = new TreeMap<>();
    private final Map<String, String> titles = new LinkedHashMap<>();
    private long events;
    private long malformed;
    private long matches;
    private long correlationMatches;

    private Hunt(RuleSet rules, Format format, PrintStream out, PrintStream err) {
        this.matcher = Matcher.raw(rules);
        this.correlator = new Correlator(rules.correlations(), Correlator.Limits.defaults());
        this.format = format;
        this.out = out;
        this.err = err;
    }

    /** Loads the rules, hunts through the logs; returns 0 on success, 2 if rules or inputs could not be read. */
    public static int run(List<Path> rulePaths, List<Path> logPaths, Format format, PrintStream out, PrintStream err) {
        SigmaLoader.Result loaded = SigmaLoader.load(rulePaths, LoadOptions.defaults());
        for (LoadReport.FileReport f : loaded.report().files()) {
            if (f.status() == LoadReport.Status.REFUSED) err.println("rule refused: " + f.file() + ": " + f.reason());
        }
        if (loaded.rules().size() == 0) {
            err.println("no rules loaded");
            return 2;
        }
        Summary s;
        try {
            s = hunt(loaded.rules(), logPaths, format, out, err);
        } catch (IOException e) {
            err.println("cannot read inputs: " + e.getMessage());
            return 2;
        }
        return s.malformed() > 0 && s.events() == 0 ? 2 : 0;
    }

    /** Hunts with rules already loaded. */
    public static Summary hunt(RuleSet rules, List<Path> logPaths, Format format, PrintStream out, PrintStream err) throws IOException {
        Hunt h = new Hunt(rules, format, out, err);
        if (format == Format.CSV) out.println("rule_id,rule_title,level,file,position,line");
        if (format == Format.TABLE) out.printf("%-13s %-36s %-60s %s%n", "LEVEL", "RULE ID", "TITLE", "SOURCE");
        for (Path p : LogFiles.expand(logPaths)) LogFiles.read(p, h::item);
        for (CorrelationMatch c : h.correlator.flush()) h.correlation(c);
        h.printCounts();
        return new Summary(h.events, h.malformed, h.matches, h.correlationMatches, 0);
    }

    private boolean item(String source, JsonItems.Item item) {
        if (item.object() == null) {
            malformed++;
            err.println("skipped " + source + " item " + item.index() + " (line " + item.line() + "): " + item.error());
            return true;
        }
        events++;
        Document doc = new MapDocument(item.object());
        List<Match> found = matcher.match(doc);
        if (found.isEmpty()) return true;
        Instant time = EventTimes.of(doc);
        for (Match m : found) {
            if (m.standalone()) {
                matches++;
                counts.merge(m.ruleId(), 1L, Long::sum);
                titles.putIfAbsent(m.ruleId(), m.title());
                print(m.ruleId(), m.title(), m.level(), source, item, item.object());
            }
            if (time != null) for (CorrelationMatch c : correlator.accept(m, doc, time)) correlation(c);
        }
        return true;
    }

    private void correlation(CorrelationMatch c) {
        correlationMatches++;
        counts.merge(c.ruleId(), 1L, Long::sum);
        titles.putIfAbsent(c.ruleId(), c.rule().title());
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("correlation", c.type().name().toLowerCase());
        detail.put("group", c.group());
        detail.put("first", c.first().toString());
        detail.put("last", c.last().toString());
        detail.put("value", c.value());
        detail.put("rules", c.rules());
        print(c.ruleId(), c.rule().title(), c.rule().level(), "correlation", null, detail);
    }

    private void print(String id, String title, String level, String source, JsonItems.Item item, Map<String, Object> event) {
        switch (format) {
            case JSON -> {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("rule_id", id);
                line.put("rule_title", title);
                line.put("level", level);
                Map<String, Object> src = new LinkedHashMap<>();
                src.put("file", source);
                if (item != null) {
                    src.put("position", item.index());
                    src.put("line", item.line());
                }
                line.put("source", src);
                line.put("event", event);
                out.println(SigmaLint.write(line));
            }
            case CSV -> out.println(String.join(",", csv(id), csv(title), csv(level), csv(source),
                    item == null ? "" : Long.toString(item.index()), item == null ? "" : Long.toString(item.line())));
            case TABLE -> out.printf("%-13s %-36s %-60s %s%n", level, id, title, item == null ? source : source + "#" + item.index());
        }
    }

    private static String csv(String s) {
        if (s == null) return "";
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) return "\"" + s.replace("\"", "\"\"") + "\"";
        return s;
    }

    private void printCounts() {
        PrintStream to = format == Format.TABLE ? out : err;
        if (format == Format.JSON) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Map.Entry<String, Long> e : counts.entrySet()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("rule_id", e.getKey());
                row.put("rule_title", titles.get(e.getKey()));
                row.put("count", e.getValue());
                rows.add(row);
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("events", events);
            summary.put("malformed", malformed);
            summary.put("matches", matches);
            summary.put("correlation_matches", correlationMatches);
            summary.put("counts", rows);
            to.println(SigmaLint.write(Map.of("summary", summary)));
            return;
        }
        to.println();
        to.printf("%d events, %d malformed skipped, %d matches, %d correlation matches%n", events, malformed, matches, correlationMatches);
        for (Map.Entry<String, Long> e : counts.entrySet()) to.printf("%8d  %s  %s%n", e.getValue(), e.getKey(), titles.get(e.getKey()));
    }
}
