package dev.kiroku.detect.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModifierTest {
    @ParameterizedTest(name = "{0}: {1} vs {2} -> {3}")
    @CsvSource(delimiter = ';', quoteCharacter = '`', textBlock = """
        # key ; rule value ; event value ; matches
        f ; cmd.exe ; CMD.EXE ; true
        f ; cmd.exe ; xcmd.exe ; false
        f|cased ; cmd.exe ; CMD.EXE ; false
        f|cased ; cmd.exe ; cmd.exe ; true
        f|contains ; ell.e ; powershell.exe ; true
        f|contains ; shellx ; powershell.exe ; false
        f|startswith ; power ; PowerShell.exe ; true
        f|startswith ; shell ; powershell.exe ; false
        f|endswith ; \\cmd.exe ; C:\\Windows\\cmd.exe ; true
        f|endswith ; .exe ; a.exe.txt ; false
        f ; prog?.exe ; progA.exe ; true
        f ; prog?.exe ; prog.exe ; false
        f ; a*z ; abcz ; true
        f ; a*z ; abcy ; false
        f ; `a\\*z` ; a*z ; true
        f ; `a\\*z` ; abz ; false
        f ; `a\\?z` ; abz ; false
        f ; `a\\\\*` ; `a\\anything` ; true
        f ; `a\\b` ; `a\\b` ; true
        f|re ; ^po.*ll$ ; powershell ; true
        f|re ; ^PO.*LL$ ; powershell ; false
        f|re|i ; ^PO.*LL$ ; powershell ; true
        f|re ; ab.cd ; `ab\\ncd` ; false
        f|re|s ; ab.cd ; `ab\\ncd` ; true
        f|re ; ^cd ; `ab\\ncd` ; false
        f|re|m ; ^cd ; `ab\\ncd` ; true
        f|windash|contains ; -enc ; powershell /enc AAA ; true
        f|windash|contains ; -enc ; powershell —enc AAA ; true
        f|windash|contains ; -enc ; powershell +enc AAA ; false
        f|base64 ; cmd ; Y21k ; true
        f|base64offset|contains ; http:// ; aHR0cDovL ; true
        f|base64offset|contains ; http:// ; xodHRwOi8v ; true
        f|base64offset|contains ; http:// ; odHRwOi8v ; true
        f|base64offset|contains ; http:// ; xh0dHA6Lyx ; true
        f|base64offset|contains ; http:// ; bm90aGluZw ; false
        f|wide|base64 ; cmd ; YwBtAGQA ; true
        f|utf16le|base64 ; cmd ; YwBtAGQA ; true
        f|utf16be|base64 ; cmd ; AGMAbQBk ; true
        f|utf16|base64 ; cmd ; //5jAG0AZAA= ; true
        f|cidr ; 10.0.0.0/8 ; 10.1.2.3 ; true
        f|cidr ; 10.0.0.0/8 ; 11.1.2.3 ; false
        f|cidr ; 192.168.1.0/25 ; 192.168.1.127 ; true
        f|cidr ; 192.168.1.0/25 ; 192.168.1.128 ; false
        f|cidr ; fe80::/10 ; FE80::1 ; true
        f|cidr ; fe80::/10 ; 2001:db8::1 ; false
        f|gt ; 10 ; 11 ; true
        f|gt ; 10 ; 10 ; false
        f|gte ; 10 ; 10 ; true
        f|lt ; 10 ; 9.5 ; true
        f|lte ; 10 ; 11 ; false
        f|lt ; 10 ; abc ; false
        f|neq ; admin ; root ; true
        f|neq ; admin ; ADMIN ; false
        f|hour ; 2 ; 2020-06-10 02:50:54.631 ; true
        f|hour|gte ; 3 ; 2020-06-10T02:50:56.537Z ; false
        f|year ; 2020 ; 2020-06-10T02:50:56.537Z ; true
        f|month ; 6 ; 2020-06-10 ; true
        f|day ; 11 ; 2020-06-10 ; false
        f|minute ; 50 ; 2020-06-10 02:50:54 ; true
        f|week ; 24 ; 2020-06-10 ; true
        """)
    void modifier_table(String key, String ruleValue, String eventValue, boolean expected) {
        String value = "'" + ruleValue.replace("'", "''") + "'";
        String event = eventValue.replace("\\n", "\n");
        String detection = "sel:\n  " + key + ": " + value + "\ncondition: sel";
        assertThat(Rules.matches(detection, Map.of("f", event))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', textBlock = """
        f: [a, b] ; a ; true
        f|all: ['a', 'b'] ; xab ; false
        f|contains|all: ['a', 'b'] ; xab ; true
        f|contains|all: ['a', 'c'] ; xab ; false
        f|exists: true ; anything ; true
        g|exists: true ; anything ; false
        g|exists: false ; anything ; true
        g: null ; anything ; true
        f: null ; anything ; false
        f: 4688 ; 4688 ; true
        f: '' ; '' ; true
        f|fieldref: same ; xyz ; true
        f|fieldref: other ; xyz ; false
        f|fieldref|contains: same ; xyzw ; true
        f|fieldref|endswith: tail ; abcyz ; true
        f|fieldref|neq: other ; xyz ; true
        """)
    void item_table(String item, String f, boolean expected) {
        String value = f.equals("''") ? "" : f;
        Map<String, Object> event = Map.of("f", value, "same", value, "other", "qqq", "tail", "yz");
        assertThat(Rules.matches("sel:\n  " + item + "\ncondition: sel", event)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "list value {0}")
    @CsvSource({"a, true", "zz, false"})
    void a_field_holding_a_list_matches_if_any_element_does(String v, boolean expected) {
        assertThat(Rules.matches("sel:\n  f: " + v + "\ncondition: sel", Map.of("f", List.of("x", "a", "b")))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "nested {0}")
    @CsvSource({"process.executable, /bin/sh, true", "process.executable, /bin/bash, false", "process.pid, 42, true"})
    void dotted_fields_reach_into_nested_maps(String field, String value, boolean expected) {
        Map<String, Object> event = Map.of("process", Map.of("executable", "/bin/sh", "pid", 42));
        assertThat(Rules.matches("sel:\n  " + field + ": '" + value + "'\ncondition: sel", event)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "keywords {0}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', textBlock = """
        keywords: ['event::clear', 'other'] ; true
        keywords: ['nothing'] ; false
        keywords: {'|all': ['event::', 'clear']} ; true
        keywords: {'|all': ['event::', 'nope']} ; false
        keywords: 'EVENT::CLEAR' ; true
        """)
    void keywords_search_every_value(String search, boolean expected) {
        Map<String, Object> event = Map.of("msg", "mimikatz event::clear done", "n", 5);
        assertThat(Rules.matches(search + "\ncondition: keywords", event)).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void placeholders_expand_from_given_values() {
        String text = Rules.ruleText("sel:\n  user|expand: '%Admins%'\ncondition: sel");
        var options = new LoadOptions(Map.of("Admins", List.of("root", "adm_*")), false);
        RuleSet rules = SigmaLoader.loadTexts(Map.of("t.yml", text), options).rules();
        Matcher m = Matcher.raw(rules);
        assertThat(m.match(new MapDocument(Map.of("user", "adm_bob")))).hasSize(1);
        assertThat(m.match(new MapDocument(Map.of("user", "bob")))).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void broadened_placeholders_never_hide_a_match() {
        String text = Rules.ruleText("sel:\n  cmd: x\nfilter:\n  user|expand: '%Admins%'\ncondition: sel and not filter");
        SigmaLoader.Result r = SigmaLoader.loadTexts(Map.of("t.yml", text), LoadOptions.broadening());
        assertThat(r.report().files().getFirst().warnings()).anySatisfy(w -> assertThat(w).contains("%Admins%"));
        assertThat(Matcher.raw(r.rules()).match(new MapDocument(Map.of("cmd", "x", "user", "root")))).hasSize(1);
    }

    @org.junit.jupiter.api.Test
    void many_wildcards_against_a_long_value_stay_fast_in_the_compiled_matcher() {
        RuleSet rules = Rules.loaded("sel:\n  f: '*a*a*a*a*a*a*a*a*b'\ncondition: sel");
        Matcher m = Matcher.raw(rules);
        Document doc = new MapDocument(Map.of("f", "a".repeat(5000)));
        long start = System.nanoTime();
        assertThat(m.match(doc)).isEmpty();
        assertThat(m.match(new MapDocument(Map.of("f", "a".repeat(5000) + "b")))).hasSize(1);
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    }
}
