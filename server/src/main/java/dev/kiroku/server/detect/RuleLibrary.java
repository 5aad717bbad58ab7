package dev.kiroku.server.detect;

import dev.kiroku.detect.sigma.FieldMapping;
import dev.kiroku.detect.sigma.LoadOptions;
import dev.kiroku.detect.sigma.LoadReport;
import dev.kiroku.detect.sigma.Matcher;
import dev.kiroku.detect.sigma.RuleSet;
import dev.kiroku.detect.sigma.SigmaLoader;
import dev.kiroku.detect.sigma.model.Correlation;
import dev.kiroku.detect.sigma.model.SigmaRule;
import dev.kiroku.server.alerts.AlertStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The rules the server detects with: the built-in pack plus user rules in {@code <dataDirectory>/rules/}, compiled
 * into one {@link LoadedRules} generation that {@link #reload()} replaces atomically; and which rules are enabled
 * (persisted in the {@link AlertStore}).
 */
public final class RuleLibrary {
    static final String USER_PREFIX = "user/";
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,120}");
    private static final long MAX_RULE_BYTES = 1024 * 1024;

    private final Map<String, String> builtin;
    private final Path userDirectory;
    private final AlertStore states;
    private final InstantSource clock;
    private final FieldMapping mapping = FieldMapping.kiroku();
    private volatile LoadedRules current;
    private volatile Set<String> disabled;

    RuleLibrary(Map<String, String> builtin, Path userDirectory, AlertStore states, InstantSource clock) {
        this.builtin = Map.copyOf(builtin);
        this.userDirectory = userDirectory;
        this.states = states;
        this.clock = clock;
        try {
            Files.createDirectories(userDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the user rules directory " + userDirectory, e);
        }
        Set<String> off = new HashSet<>();
        states.ruleStates().forEach((id, enabled) -> {
            if (!enabled) off.add(id);
        });
        disabled = Set.copyOf(off);
        reload();
    }

    public LoadedRules current() {
        return current;
    }

    public boolean enabled(String ruleId) {
        return !disabled.contains(ruleId);
    }

    /** The loaded rules with their enabled state, in load order. */
    public List<Map<String, Object>> list() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RuleEntry e : current.entries().values()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", e.id());
            row.put("title", e.title());
            row.put("level", e.level());
            row.put("status", e.status());
            row.put("kind", e.kind());
            row.put("source", e.source());
            row.put("file", e.file());
            row.put("line", e.line());
            row.put("techniques", e.techniques());
            row.put("tactics", e.tactics());
            row.put("enabled", enabled(e.id()));
            out.add(row);
        }
        return out;
    }

    /** Enables or disables a loaded rule; persisted, effective for the next event. */
    public synchronized void setEnabled(String ruleId, boolean enabled) {
        if (!current.entries().containsKey(ruleId)) throw new NoSuchRuleException(ruleId);
        states.setRuleEnabled(ruleId, enabled);
        Set<String> off = new HashSet<>(disabled);
        if (enabled) off.remove(ruleId);
        else off.add(ruleId);
        disabled = Set.copyOf(off);
    }

    /** Re-reads the built-in pack and the user rules, compiles them and swaps them in. Bad files are reported, not fatal. */
    public synchronized LoadedRules reload() {
        LoadedRules next = compile(texts(null, null));
        current = next;
        return next;
    }

    /**
     * Validates a user rule file against everything loaded (so its correlations may refer to built-in rules and its ids
     * must be new), stores it as {@code <dataDirectory>/rules/<name>} and reloads.
     *
     * @param name file name to store it under; null derives one from the first rule's id
     * @return the ids of the rules the file holds
     * @throws RuleRefusedException with file, line and reason of every problem
     */
    public synchronized List<String> add(String name, String yaml) {
        if (yaml == null || yaml.isBlank()) throw new IllegalArgumentException("the request body must be the rule's YAML text");
        if (yaml.getBytes(StandardCharsets.UTF_8).length > MAX_RULE_BYTES) {
            throw new IllegalArgumentException("rule file larger than " + MAX_RULE_BYTES + " bytes");
        }
        if (name != null) {
            name = name.endsWith(".yml") || name.endsWith(".yaml") ? name : name + ".yml";
            if (!FILE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("rule file name must be letters, digits, '.', '_' or '-': " + name);
            }
        }
        String key = USER_PREFIX + (name == null ? "upload.yml" : name);
        SigmaLoader.Result result = SigmaLoader.loadTexts(texts(key, yaml), LoadOptions.defaults());
        List<LoadReport.Problem> problems = problems(result, key);
        if (!problems.isEmpty()) throw new RuleRefusedException(problems);
        List<String> ids = ids(result, key);
        String fileName = name != null ? name : derivedName(ids);
        write(fileName, yaml);
        reload();
        return ids;
    }

    /**
     * Checks a rule file as {@link #add} would, without storing it.
     *
     * @return {@code valid}, the {@code rules} it holds and its {@code problems} as {@code {line, column, message}}
     */
    public Map<String, Object> validate(String yaml) {
        if (yaml == null || yaml.isBlank()) throw new IllegalArgumentException("the request body must be the rule's YAML text");
        String key = USER_PREFIX + "validate.yml";
        SigmaLoader.Result result = SigmaLoader.loadTexts(texts(key, yaml), LoadOptions.defaults());
        List<LoadReport.Problem> problems = problems(result, key);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("valid", problems.isEmpty());
        body.put("rules", ids(result, key));
        body.put("problems", RuleDiagnostics.of(yaml, problems));
        return body;
    }

    /**
     * The standalone rules of a rule text, to test over history (it is not stored).
     *
     * @throws RuleRefusedException with every problem of the text
     */
    public RuleSet candidate(String yaml) {
        if (yaml == null || yaml.isBlank()) throw new IllegalArgumentException("the request body must be the rule's YAML text");
        String key = USER_PREFIX + "candidate.yml";
        SigmaLoader.Result result = SigmaLoader.loadTexts(Map.of(key, yaml), LoadOptions.defaults());
        List<LoadReport.Problem> problems = problems(result, key);
        if (!problems.isEmpty()) throw new RuleRefusedException(problems);
        return new RuleSet(result.rules().rules(), List.of(), result.rules().filters());
    }

    /** A loaded rule (enabled or not) alone, to test over history. */
    public RuleSet loaded(String ruleId) {
        List<SigmaRule> rule = current.ruleSet().rules().stream().filter(r -> r.meta().key().equals(ruleId)).toList();
        if (rule.isEmpty()) {
            if (current.entries().containsKey(ruleId)) {
                throw new IllegalArgumentException(ruleId + " is a correlation; test the rules it correlates instead");
            }
            throw new NoSuchRuleException(ruleId);
        }
        return new RuleSet(rule, List.of(), List.of());
    }

    /** How rules are bound to Kiroku's events. */
    public FieldMapping mapping() {
        return mapping;
    }

    private static List<LoadReport.Problem> problems(SigmaLoader.Result result, String key) {
        LoadReport.FileReport report = result.report().files().stream().filter(f -> f.file().equals(key)).findFirst().orElseThrow();
        if (report.status() == LoadReport.Status.REFUSED || !report.problems().isEmpty()) {
            return report.problems().isEmpty() ? List.of(new LoadReport.Problem(key, 0, report.reason())) : report.problems();
        }
        return List.of();
    }

    private static List<String> ids(SigmaLoader.Result result, String key) {
        List<String> ids = new ArrayList<>();
        result.rules().rules().stream().map(SigmaRule::meta).filter(m -> key.equals(m.file())).forEach(m -> ids.add(m.key()));
        result.rules().correlations().stream().map(Correlation::meta).filter(m -> key.equals(m.file())).forEach(m -> ids.add(m.key()));
        return ids;
    }

    private static String derivedName(List<String> ids) {
        String base = ids.isEmpty() ? "rule" : ids.getFirst().replaceAll("[^A-Za-z0-9._-]", "_");
        if (base.length() > 100) base = base.substring(0, 100);
        return base + ".yml";
    }

    private void write(String fileName, String yaml) {
        Path target = userDirectory.resolve(fileName);
        try {
            Path temp = Files.createTempFile(userDirectory, ".upload-", ".tmp");
            Files.writeString(temp, yaml, StandardCharsets.UTF_8);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the rule in " + target, e);
        }
    }

    /** Built-in texts, then user files (an uploaded text replaces the file of the same key, and comes last). */
    private Map<String, String> texts(String extraKey, String extraText) {
        Map<String, String> texts = new LinkedHashMap<>(builtin);
        try (Stream<Path> files = Files.list(userDirectory)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String n = f.getFileName().toString();
                if (!n.endsWith(".yml") && !n.endsWith(".yaml")) continue;
                String key = USER_PREFIX + n;
                if (key.equals(extraKey)) continue;
                texts.put(key, Files.readString(f, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the user rules in " + userDirectory, e);
        }
        if (extraKey != null) texts.put(extraKey, extraText);
        return texts;
    }

    private LoadedRules compile(Map<String, String> texts) {
        SigmaLoader.Result result = SigmaLoader.loadTexts(texts, LoadOptions.defaults());
        Map<String, RuleEntry> entries = new LinkedHashMap<>();
        for (SigmaRule r : result.rules().rules()) entries.put(r.meta().key(), RuleEntry.of(r.meta(), "rule"));
        for (Correlation c : result.rules().correlations()) entries.put(c.meta().key(), RuleEntry.of(c.meta(), "correlation"));
        for (LoadReport.Problem p : result.report().problems()) {
            System.err.println("kiroku detection: rule not loaded: " + p);
        }
        return new LoadedRules(result.rules(), Matcher.compiled(result.rules(), mapping), result.report(), entries, clock.instant());
    }
}
