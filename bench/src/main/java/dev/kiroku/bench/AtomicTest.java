package dev.kiroku.bench;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One Atomic Red Team test as read from {@code atomics/T*}/{@code T*.yaml}, and its commands after the
 * benchmark's rewrites (see {@link AtomicSelection}).
 */
record AtomicTest(String technique, String guid, String name, List<String> platforms, String executor,
                  String command, String cleanup, Map<String, String> defaults, List<String> prereqGets,
                  AtomicSelection.Spec spec) {

    /** The commands actually run, after argument substitution and the path rewrites. */
    record Prepared(String command, String cleanup, List<String> prereqs) {
    }

    /**
     * Reads every test of the data set and returns the allow-listed ones, in allow-list order. Fails
     * when an allow-listed GUID is missing or no longer passes the basic selection criteria.
     */
    static List<AtomicTest> load(Path atomicsDir, List<AtomicSelection.Spec> specs, List<String> problems) throws IOException {
        Map<String, AtomicSelection.Spec> wanted = new LinkedHashMap<>();
        specs.forEach(s -> wanted.put(s.guid(), s));
        Map<String, AtomicTest> found = new LinkedHashMap<>();
        int linuxShell = 0;
        try (Stream<Path> dirs = Files.list(atomicsDir)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("T")).sorted().toList()) {
                Path yaml = dir.resolve(dir.getFileName() + ".yaml");
                if (!Files.isRegularFile(yaml)) continue;
                Object doc;
                try (Reader reader = Files.newBufferedReader(yaml)) {
                    doc = new Load(LoadSettings.builder().build()).loadFromReader(reader);
                } catch (RuntimeException e) {
                    problems.add(yaml + ": " + e.getMessage());
                    continue;
                }
                if (!(doc instanceof Map<?, ?> top)) continue;
                String technique = String.valueOf(top.get("attack_technique"));
                if (!(top.get("atomic_tests") instanceof List<?> tests)) continue;
                for (Object o : tests) {
                    if (!(o instanceof Map<?, ?> t)) continue;
                    AtomicTest test = of(technique, t);
                    if (test == null) continue;
                    if (test.platforms.contains("linux") && (test.executor.equals("sh") || test.executor.equals("bash"))) linuxShell++;
                    AtomicSelection.Spec spec = wanted.get(test.guid);
                    if (spec != null) found.put(test.guid, test.withSpec(spec));
                }
            }
        }
        problems.add("data set: " + linuxShell + " tests for linux with an sh/bash executor; " + specs.size() + " allow-listed");
        List<AtomicTest> selected = new ArrayList<>();
        for (AtomicSelection.Spec spec : specs) {
            AtomicTest t = found.get(spec.guid());
            if (t == null) {
                problems.add("allow-listed test " + spec.guid() + " is not in the data set; skipped");
            } else if (!t.platforms.contains("linux") || !(t.executor.equals("sh") || t.executor.equals("bash"))) {
                problems.add("allow-listed test " + spec.guid() + " is no longer linux sh/bash; skipped");
            } else {
                selected.add(t);
            }
        }
        return selected;
    }

    private static AtomicTest of(String technique, Map<?, ?> t) {
        Object guid = t.get("auto_generated_guid");
        if (guid == null || !(t.get("executor") instanceof Map<?, ?> ex)) return null;
        List<String> platforms = new ArrayList<>();
        if (t.get("supported_platforms") instanceof List<?> p) p.forEach(x -> platforms.add(String.valueOf(x)));
        Map<String, String> defaults = new LinkedHashMap<>();
        if (t.get("input_arguments") instanceof Map<?, ?> args) {
            args.forEach((k, v) -> {
                Object d = v instanceof Map<?, ?> m ? m.get("default") : null;
                defaults.put(String.valueOf(k), d == null ? "" : String.valueOf(d));
            });
        }
        List<String> gets = new ArrayList<>();
        if (t.get("dependencies") instanceof List<?> deps) {
            for (Object d : deps) {
                if (d instanceof Map<?, ?> m && m.get("get_prereq_command") != null) gets.add(String.valueOf(m.get("get_prereq_command")));
            }
        }
        return new AtomicTest(technique, String.valueOf(guid), String.valueOf(t.get("name")), platforms,
                String.valueOf(ex.get("name")), str(ex.get("command")), str(ex.get("cleanup_command")), defaults, gets, null);
    }

    private static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    private AtomicTest withSpec(AtomicSelection.Spec s) {
        return new AtomicTest(technique, guid, name, platforms, executor, command, cleanup, defaults, prereqGets, s);
    }

    /** The technique with sub-technique folded away: T1059.004 -> T1059. */
    String parentTechnique() {
        int dot = technique.indexOf('.');
        return dot < 0 ? technique : technique.substring(0, dot);
    }

    private static final Pattern TMP = Pattern.compile("(?<![\\w/.$-])/tmp(?=[/\\s;\"')|&]|$)");
    private static final Pattern SUDO = Pattern.compile("(?<![\\w/-])sudo\\s+");
    private static final Pattern ARG = Pattern.compile("#\\{([A-Za-z0-9_]+)}");

    /** Substitutes the input arguments and applies the rewrites; refuses what the safety check rejects. */
    Prepared prepare(Path scratch, String loopbackUrl) {
        String s = scratch.toString();
        Map<String, String> args = new LinkedHashMap<>(defaults);
        spec.args().forEach((k, v) -> args.put(k, v.replace("@SCRATCH@", s).replace("@LOOPBACK@", loopbackUrl)));
        List<String> prereqs = new ArrayList<>();
        if (spec.runPrereqs()) prereqGets.forEach(p -> prereqs.add(rewrite(p, args, s, loopbackUrl)));
        Prepared p = new Prepared(rewrite(command, args, s, loopbackUrl), rewrite(cleanup, args, s, loopbackUrl), prereqs);
        String refused = refuse(p.command + "\n" + p.cleanup + "\n" + String.join("\n", p.prereqs), spec.net());
        if (refused != null) throw new IllegalStateException("test " + guid + " refused by the safety check: " + refused);
        return p;
    }

    private String rewrite(String text, Map<String, String> args, String scratch, String loopbackUrl) {
        String out = text;
        for (int round = 0; round < 3 && out.contains("#{"); round++) {
            Matcher m = ARG.matcher(out);
            StringBuilder b = new StringBuilder();
            while (m.find()) m.appendReplacement(b, Matcher.quoteReplacement(args.getOrDefault(m.group(1), m.group())));
            m.appendTail(b);
            out = b.toString();
        }
        for (Map.Entry<String, String> e : spec.literal().entrySet()) {
            out = out.replace(e.getKey(), e.getValue().replace("@SCRATCH@", scratch).replace("@LOOPBACK@", loopbackUrl));
        }
        out = out.replace("$PathToAtomicsFolder", scratch + "/atomics").replace("PathToAtomicsFolder", scratch + "/atomics");
        out = out.replace("$HOME", scratch + "/home");
        out = TMP.matcher(out).replaceAll(Matcher.quoteReplacement(scratch));
        out = SUDO.matcher(out).replaceAll("");
        return out;
    }

    private static final List<Pattern> DESTRUCTIVE = Stream.of(
            "\\brm\\s+-[a-z]*r[a-z]*\\s+/(\\s|$|etc|usr|var|home|root|boot|lib)",
            "\\b(shutdown|reboot|halt|poweroff|init\\s+[06])\\b", "sysrq", "\\bmkfs", "\\bdd\\b[^\\n]*of=/dev/(?!shm/)",
            "\\b(iptables|ip6tables|nft|ufw)\\b", "(?<![/\\w.,{-])(useradd|userdel|usermod|passwd|chpasswd|chsh)\\b",
            "\\b(insmod|rmmod|modprobe|depmod)\\b", "\\bauditctl\\b", "\\bsystemctl\\s+(stop|disable|mask|start|enable|restart)",
            "\\b(killall|pkill)\\b", "\\bkill\\s+-\\d+\\s+1\\b", "\\bsysctl\\s+-w", "\\bswapoff", "drop_caches",
            ">\\s*/etc/", "tee\\s+(-a\\s+)?/etc/", "sed\\s+-i[^\\n]*/etc/", "/etc/sudoers",
            "\\bcrontab\\b", "\\bapt(-get)?\\s+(install|remove|purge|update)", "\\b(yum|dnf|pip3?)\\s+install"
    ).map(Pattern::compile).toList();
    private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?|ftp|ldap)://([^/\\s:\"']+)");

    /** Null when the text passes; otherwise why it is refused. A second line of defence after the review. */
    static String refuse(String text, AtomicSelection.Net net) {
        for (Pattern p : DESTRUCTIVE) {
            Matcher m = p.matcher(text);
            if (m.find()) return "matches " + p.pattern() + " at '" + m.group() + "'";
        }
        if (net != AtomicSelection.Net.NETNS) {
            Matcher m = URL.matcher(text);
            while (m.find()) {
                String host = m.group(1).toLowerCase(Locale.ROOT);
                if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
                    return "network host " + host + " outside loopback and not in a netns";
                }
            }
        }
        return null;
    }
}
