package dev.kiroku.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The built-in rule pack: every {@code .yml}/{@code .yaml} resource under {@code rules/linux/} on the class path
 * (kiroku-content), whether it comes from a jar or from a directory of classes. The server's live detection
 * and the sandbox's behaviour rules both load it here.
 */
public final class BuiltinRules {
    public static final String ROOT = "rules/linux/";

    private BuiltinRules() {
    }

    /** Resource name ("rules/linux/execution/x.yml") → YAML text, sorted by name. */
    public static Map<String, String> load(ClassLoader loader) {
        Map<String, String> texts = new TreeMap<>();
        try {
            Enumeration<URL> roots = loader.getResources(ROOT);
            while (roots.hasMoreElements()) {
                URL root = roots.nextElement();
                switch (root.getProtocol()) {
                    case "file" -> fromDirectory(Path.of(root.toURI()), texts);
                    case "jar" -> fromJar(root, texts);
                    default -> throw new IllegalStateException("cannot list built-in rules at " + root);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the built-in rules", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad built-in rules location: " + e.getMessage(), e);
        }
        return texts;
    }

    private static boolean isRule(String name) {
        return name.endsWith(".yml") || name.endsWith(".yaml");
    }

    private static void fromDirectory(Path dir, Map<String, String> texts) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).filter(f -> isRule(f.getFileName().toString())).toList()) {
                String name = ROOT + dir.relativize(file).toString().replace('\\', '/');
                texts.putIfAbsent(name, Files.readString(file, StandardCharsets.UTF_8));
            }
        }
    }

    private static void fromJar(URL root, Map<String, String> texts) throws IOException {
        JarURLConnection connection = (JarURLConnection) root.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (entry.isDirectory() || !entry.getName().startsWith(ROOT) || !isRule(entry.getName())) continue;
                try (InputStream in = jar.getInputStream(entry)) {
                    texts.putIfAbsent(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
    }
}
