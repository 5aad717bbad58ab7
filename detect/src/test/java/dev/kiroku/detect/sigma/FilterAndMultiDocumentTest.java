package dev.kiroku.detect.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterAndMultiDocumentTest {
    static final String RULE = """
        title: Rar
        id: 6f3e2987-db24-4c78-a860-b4f4095a7095
        logsource:
            category: process_creation
            product: windows
        detection:
            selection:
                Image|endswith: '\\rar.exe'
            condition: selection
        """;

    @Test
    void a_global_filter_removes_matches_from_the_rules_it_names() {
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("rule.yml", RULE);
        texts.put("filter.yml", """
            title: Filter Administrator account
            logsource:
                category: process_creation
                product: windows
            filter:
                rules:
                    - 6f3e2987-db24-4c78-a860-b4f4095a7095
                selection:
                    User|startswith: 'adm_'
                condition: selection
            """);
        SigmaLoader.Result r = SigmaLoader.loadTexts(texts, LoadOptions.defaults());
        assertThat(r.report().problems()).isEmpty();
        assertThat(r.rules().filters()).hasSize(1);
        Matcher m = Matcher.raw(r.rules());
        assertThat(m.match(new MapDocument(Map.of("Image", "C:\\rar.exe", "User", "bob")))).hasSize(1);
        assertThat(m.match(new MapDocument(Map.of("Image", "C:\\rar.exe", "User", "adm_bob")))).isEmpty();
    }

    @Test
    void a_filter_for_an_absent_rule_is_a_warning_not_a_refusal() {
        SigmaLoader.Result r = SigmaLoader.loadTexts(Map.of("filter.yml", """
            title: Filter
            logsource: {product: windows}
            filter:
                rules: [not-loaded]
                selection: {User: x}
                condition: selection
            """), LoadOptions.defaults());
        assertThat(r.report().problems()).isEmpty();
        assertThat(r.report().files().getFirst().warnings()).anySatisfy(w -> assertThat(w).contains("not-loaded"));
    }

    @Test
    void legacy_global_action_documents_are_merged_into_the_following_ones() {
        SigmaLoader.Result r = SigmaLoader.loadTexts(Map.of("multi.yml", """
            action: global
            title: Shared title
            logsource:
                product: windows
            detection:
                condition: selection
            ---
            id: 00000000-0000-0000-0000-000000000001
            detection:
                selection:
                    A: one
            ---
            id: 00000000-0000-0000-0000-000000000002
            logsource:
                service: security
            detection:
                selection:
                    A: two
            """), LoadOptions.defaults());
        assertThat(r.report().problems()).isEmpty();
        assertThat(r.rules().rules()).hasSize(2).allSatisfy(rule -> assertThat(rule.meta().title()).isEqualTo("Shared title"));
        assertThat(r.rules().rules().get(1).meta().logsource().service()).isEqualTo("security");
        Matcher m = Matcher.raw(r.rules());
        assertThat(m.match(new MapDocument(Map.of("A", "two")))).extracting(Match::ruleId).containsExactly("00000000-0000-0000-0000-000000000002");
    }

    @Test
    void metadata_is_parsed_and_attack_tags_are_split() {
        SigmaLoader.Result r = SigmaLoader.loadTexts(Map.of("m.yml", """
            title: Meta
            id: 00000000-0000-0000-0000-000000000009
            status: test
            level: high
            description: d
            author: A, B
            references: [https://example.org]
            falsepositives: [admins]
            tags:
                - attack.execution
                - attack.t1059.004
                - attack.T1053
                - attack.defense_evasion
                - cve.2021-44228
            logsource: {product: linux, category: process_creation}
            detection:
                sel: {Image: x}
                condition: sel
            """), LoadOptions.defaults());
        var meta = r.rules().rules().getFirst().meta();
        assertThat(meta.techniques()).containsExactly("T1059.004", "T1053");
        assertThat(meta.tactics()).containsExactly("execution", "defense-evasion");
        assertThat(meta.references()).containsExactly("https://example.org");
        assertThat(meta.falsePositives()).containsExactly("admins");
        assertThat(meta.logsource().category()).isEqualTo("process_creation");
        Match match = Matcher.raw(r.rules()).match(new MapDocument(Map.of("Image", "x"))).getFirst();
        assertThat(match.level()).isEqualTo("high");
        assertThat(match.author()).isEqualTo("A, B");
        assertThat(match.status()).isEqualTo("test");
    }
}
