package dev.kiroku.content;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class BuiltinRulesTest {
    @TempDir
    Path dir;

    @Test
    void thePackOnTheClassPathIsFound() {
        Map<String, String> rules = BuiltinRules.load(BuiltinRules.class.getClassLoader());
        assertThat(rules).hasSizeGreaterThan(100).containsKey("rules/linux/reverse_shell/proc_revshell_bash_dev_tcp.yml");
    }

    @Test
    void rulesAreEnumeratedFromAJar() throws Exception {
        Path jar = dir.resolve("pack.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            entry(out, "rules/linux/", null);
            entry(out, "rules/linux/a/one.yml", "title: one");
            entry(out, "rules/linux/README.md", "not a rule");
            entry(out, "rules/windows/two.yml", "title: two");
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[]{jar.toUri().toURL()}, null)) {
            assertThat(BuiltinRules.load(loader)).containsExactly(Map.entry("rules/linux/a/one.yml", "title: one"));
        }
    }

    @Test
    void rulesAreEnumeratedFromADirectory() throws Exception {
        Files.createDirectories(dir.resolve("classes/rules/linux/b"));
        Files.writeString(dir.resolve("classes/rules/linux/b/two.yaml"), "title: two");
        try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.resolve("classes").toUri().toURL()}, null)) {
            assertThat(BuiltinRules.load(loader)).containsExactly(Map.entry("rules/linux/b/two.yaml", "title: two"));
        }
    }

    private static void entry(JarOutputStream out, String name, String text) throws Exception {
        out.putNextEntry(new JarEntry(name));
        if (text != null) out.write(text.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }
}
