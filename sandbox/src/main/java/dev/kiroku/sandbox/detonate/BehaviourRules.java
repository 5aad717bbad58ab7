package dev.kiroku.sandbox.detonate;

import dev.kiroku.content.BuiltinRules;
import dev.kiroku.detect.sigma.FieldMapping;
import dev.kiroku.detect.sigma.LoadOptions;
import dev.kiroku.detect.sigma.MapDocument;
import dev.kiroku.detect.sigma.Match;
import dev.kiroku.detect.sigma.Matcher;
import dev.kiroku.detect.sigma.SigmaLoader;
import dev.kiroku.event.Event;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Kiroku's rule pack (kiroku-content, {@code rules/linux/} on the class path) compiled through the
 * Sigma engine with Kiroku's field mapping, run over a detonation's events.
 */
public final class BehaviourRules {
    /** A rule that fired, with the event that made it fire. */
    public record Hit(String ruleId, String title, String level, List<String> techniques, String evidence) {
    }

    /** More judges of a detonation's events beyond the rule pack: the server adds its user rules and indicators. */
    @FunctionalInterface
    public interface Judge {
        List<Hit> judge(Event event);
    }

    private final Matcher matcher;
    private final int size;
    private final List<Judge> judges = new CopyOnWriteArrayList<>();

    private BehaviourRules(Matcher matcher, int size) {
        this.matcher = matcher;
        this.size = size;
    }

    /** The built-in rule pack. */
    public static BehaviourRules builtIn() {
        Map<String, String> texts = BuiltinRules.load(BehaviourRules.class.getClassLoader());
        if (texts.isEmpty()) throw new IllegalStateException("no rules under " + BuiltinRules.ROOT + " on the class path (kiroku-content missing?)");
        SigmaLoader.Result loaded = SigmaLoader.loadTexts(texts, LoadOptions.defaults());
        return new BehaviourRules(Matcher.compiled(loaded.rules(), FieldMapping.kiroku()), loaded.rules().size());
    }

    /** Runs {@code judge} over the events of every later detonation as well; a judge that fails is skipped. */
    public void addJudge(Judge judge) {
        judges.add(judge);
    }

    public int size() {
        return size;
    }

    /** Each standalone rule once, with the first event it fired on. */
    List<Hit> run(List<Event> events) {
        Map<String, Hit> hits = new LinkedHashMap<>();
        for (Event event : events) {
            Map<String, Object> ecs = event.toEcs();
            for (Match m : matcher.match(new MapDocument(ecs))) {
                if (!m.standalone() || hits.containsKey(m.ruleId())) continue;
                hits.put(m.ruleId(), new Hit(m.ruleId(), m.title(), m.level(), m.techniques(), describe(ecs)));
            }
            for (Judge judge : judges) {
                try {
                    for (Hit hit : judge.judge(event)) hits.putIfAbsent(hit.ruleId(), hit);
                } catch (RuntimeException e) {
                    System.err.println("kiroku sandbox: a judge failed on an event: " + e);
                }
            }
        }
        return new ArrayList<>(hits.values());
    }

    /** What an event shows, in one line (the evidence of a hit). */
    public static String describe(Map<String, Object> ecs) {
        Object what = ecs.getOrDefault("process.command_line", "");
        if (ecs.containsKey("file.path")) what = ecs.get("file.path") + " by " + ecs.getOrDefault("process.name", "?");
        if (ecs.containsKey("destination.ip")) what = ecs.get("destination.ip") + ":" + ecs.get("destination.port") + " by " + ecs.getOrDefault("process.name", "?");
        return ecs.getOrDefault("event.action", "?") + " " + what;
    }
}
