package dev.kiroku.sandbox.detonate;

import dev.kiroku.detect.sigma.FieldMapping;
import dev.kiroku.detect.sigma.LoadOptions;
import dev.kiroku.detect.sigma.MapDocument;
import dev.kiroku.detect.sigma.Match;
import dev.kiroku.detect.sigma.Matcher;
import dev.kiroku.detect.sigma.SigmaLoader;
import dev.kiroku.event.Event;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Kiroku's rule pack (kiroku-content, {@code rules/linux/} on the class path) compiled through the
 * Sigma engine with Kiroku's field mapping, run over a detonation's events.
 */
public final class BehaviourRules {
    private static final String ROOT = "rules/linux/";

    /** A rule that fired, with the event that made it fire. */
    public record Hit(String ruleId, String title, String level, List<String> techniques, String evidence) {
    }

    private final Matcher matcher;
    private final int size;

    private BehaviourRules(Matcher matcher, int size) {
        this.matcher = matcher;
        this.size = size;
    }

    /** The built-in rule pack. */
    public static BehaviourRules builtIn() {
        Map<String, String> texts = load(BehaviourRules.class.getClassLoader());
        if (texts.isEmpty()) throw new IllegalStateException("no rules under " + ROOT + " on the class path (kiroku-content missing?)");
        SigmaLoader.Result loaded = SigmaLoader.loadTexts(texts, LoadOptions.defaults());
        return new BehaviourRules(Matcher.compiled(loaded.rules(), FieldMapping.kiroku()), loaded.rules().size());
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
        }
        return new ArrayList<>(hits.values());
    }

    private static String describe(Map<String, Object> ecs) {
        Object what = ecs.getOrDefault("process.command_line", "");
        if (ecs.containsKey("file.path")) what = ecs.get("file.path") + " by " + ecs.getOrDefault("process.name", "?");
        if (ecs.containsKey("destination.ip")) what = ecs.get("destination.ip") + ":" + ecs.get("destination.port") + " by " + ecs.getOrDefault("process.name", "?");
        return ecs.getOrDefault("event.action", "?") + " " + what;
    }

    private static Map<String, String> load(ClassLoader loader) {
        Map<String, String> texts = new TreeMap<>();
        try {
            Enumeration<URL> roots = loader.getResources(ROOT);
            while (roots.hasMoreElements()) {
                URL root = roots.nextElement();
                switch (root.getProtocol()) {
                    case "file" -> {
                        Path dir = Path.of(root.toURI());
                        try (Stream<Path> walk = Files.walk(dir)) {
                            for (Path f : walk.filter(Files::isRegularFile).filter(f -> isRule(f.toString())).toList())
                                texts.putIfAbsent(ROOT + dir.relativize(f).toString().replace('\\', '/'), Files.readString(f));
                        }
                    }
                    case "jar" -> {
                        JarURLConnection connection = (JarURLConnection) root.openConnection();
                        connection.setUseCaches(false);
                        try (JarFile jar = connection.getJarFile()) {
                            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                                JarEntry entry = e.nextElement();
                                if (entry.isDirectory() || !entry.getName().startsWith(ROOT) || !isRule(entry.getName())) continue;
                                try (InputStream in = jar.getInputStream(entry)) {
                                    texts.putIfAbsent(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                                }
                            }
                        }
                    }
                    default -> throw new IllegalStateException("cannot list rules at " + root);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the rule pack", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad rule pack location: " + e.getMessage(), e);
        }
        return texts;
    }

    private static boolean isRule(String name) {
        return name.endsWith(".yml") || name.endsWith(".yaml");
    }
}
