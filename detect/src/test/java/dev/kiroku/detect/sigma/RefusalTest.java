package dev.kiroku.detect.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RefusalTest {
    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', textBlock = """
        sel:\\n  f|nosuch: x\\ncondition: sel ; 8 ; unknown modifier 'nosuch'
        sel:\\n  f|re: '(unclosed'\\ncondition: sel ; 8 ; bad regular expression
        sel:\\n  f: x\\ncondition: sel and missing ; 9 ; 'missing', which is not a search identifier
        sel:\\n  f: x\\ncondition: 1 of nothing_* ; 9 ; matches no search identifier
        sel:\\n  f: x\\ncondition: sel and (sel ; 9 ; missing ')'
        sel:\\n  f: x\\ncondition: sel | count() > 5 ; 9 ; aggregation
        sel:\\n  f:\\n    a: b\\ncondition: sel ; 9 ; got a map
        sel:\\n  f|cidr: 10.0.0.0/33\\ncondition: sel ; 8 ; bad CIDR
        sel:\\n  f|gt: abc\\ncondition: sel ; 8 ; needs a number
        sel:\\n  f|exists: maybe\\ncondition: sel ; 8 ; single boolean
        sel:\\n  f: [a, null]\\ncondition: sel ; 8 ; null cannot be part of a list
        sel:\\n  f|i: x\\ncondition: sel ; 8 ; needs the 're' modifier
        sel:\\n  f|expand: '%nope%'\\ncondition: sel ; 8 ; unresolved placeholder
        sel:\\n  f|base64: 'a*'\\ncondition: sel ; 8 ; cannot encode a value with wildcards
        sel:\\n  f: []\\ncondition: sel ; 8 ; empty value list
        sel:\\n  f: x ; 7 ; missing condition
        """)
    void bad_rules_are_refused_with_line_and_reason(String detection, int line, String reason) {
        SigmaLoader.Result r = Rules.load(Rules.ruleText(detection.replace("\\n", "\n")));
        assertThat(r.rules().rules()).isEmpty();
        LoadReport.FileReport f = r.report().files().getFirst();
        assertThat(f.status()).isEqualTo(LoadReport.Status.REFUSED);
        assertThat(f.problems()).anySatisfy(p -> {
            assertThat(p.reason()).contains(reason);
            assertThat(p.line()).isEqualTo(line);
            assertThat(p.file()).isEqualTo("test.yml");
        });
    }

    @Test
    void invalid_yaml_is_refused_with_its_line() {
        SigmaLoader.Result r = Rules.load("title: x\nlogsource:\n  product: a\ndetection:\n  sel: [unclosed\n  condition: sel\n");
        assertThat(r.report().files().getFirst().status()).isEqualTo(LoadReport.Status.REFUSED);
        assertThat(r.report().problems().getFirst().reason()).contains("invalid YAML");
        assertThat(r.report().problems().getFirst().line()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void duplicate_keys_are_refused() {
        SigmaLoader.Result r = Rules.load(Rules.ruleText("sel:\n  f: a\n  f: b\ncondition: sel"));
        assertThat(r.report().problems()).anySatisfy(p -> {
            assertThat(p.reason()).contains("duplicate key 'f'");
            assertThat(p.line()).isEqualTo(9);
        });
    }

    @Test
    void every_problem_of_a_rule_is_reported_together() {
        SigmaLoader.Result r = Rules.load(Rules.ruleText("a:\n  f|bad1: x\nb:\n  g|re: '['\ncondition: a or b"));
        assertThat(r.report().problems()).hasSize(2);
    }

    @Test
    void a_bad_rule_does_not_stop_the_others() {
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("bad.yml", Rules.ruleText("sel:\n  f|nosuch: x\ncondition: sel"));
        texts.put("good.yml", Rules.ruleText("sel:\n  f: x\ncondition: sel").replace("11111111-1111", "22222222-2222"));
        SigmaLoader.Result r = SigmaLoader.loadTexts(texts, LoadOptions.defaults());
        assertThat(r.rules().rules()).hasSize(1);
        assertThat(r.report().loadedFiles()).isEqualTo(1);
        assertThat(r.report().refusedFiles()).isEqualTo(1);
    }
}
