package dev.kiroku.detect.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiroku.detect.sigma.model.LogSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Raw mode's Windows logsource gate: the taxonomy's table, the rules it admits, and the matcher using it. */
class WindowsLogSourcesTest {
    private static final String SYSMON = "Microsoft-Windows-Sysmon/Operational";
    private final WindowsLogSources windows = WindowsLogSources.standard();

    private WindowsLogSources.EventClass classOf(Object channel, Object eventId) {
        return windows.classify(new MapDocument(Map.of("Channel", channel, "EventID", eventId)));
    }

    private static LogSource ls(String product, String category, String service) {
        return new LogSource(product, category, service);
    }

    @Test
    void events_are_classified_by_channel_and_event_id_as_the_taxonomy_says() {
        WindowsLogSources.EventClass processCreation = classOf(SYSMON, 1);
        assertThat(processCreation.categories()).containsExactly("process_creation");
        assertThat(processCreation.services()).containsExactly("sysmon");
        assertThat(classOf(SYSMON, "1")).isSameAs(processCreation);
        assertThat(classOf(SYSMON, 13).categories()).containsExactlyInAnyOrder("registry_event", "registry_set");
        assertThat(classOf(SYSMON, 9999).categories()).isEmpty();
        assertThat(classOf("Security", 4688).services()).containsExactly("security");
        assertThat(classOf("security", 4688)).as("channel names compare case-insensitively").isSameAs(classOf("Security", 1));
        assertThat(classOf("PowerShellCore/Operational", 4104).categories()).containsExactly("ps_script");
        assertThat(classOf("Linux-Sysmon/Operational", 1)).as("an unlisted channel is not classified").isNull();
        assertThat(windows.classify(new MapDocument(Map.of("EventID", 1)))).as("no channel").isNull();
        assertThat(windows.classify(new MapDocument(Map.of("Channel", 7, "EventID", 1)))).as("a channel that is no text").isNull();
    }

    @Test
    void an_evtx_shaped_event_is_classified_by_its_system_section() {
        Map<String, Object> evtx = Map.of("Event", Map.of(
                "System", Map.of("Channel", SYSMON, "EventID", Map.of("#text", "1", "#attributes", Map.of("Qualifiers", "0"))),
                "EventData", Map.of("Image", "C:\\x.exe")));
        assertThat(windows.classify(new MapDocument(evtx))).isSameAs(classOf(SYSMON, 1));
    }

    @Test
    void rules_apply_where_their_logsource_covers_the_event() {
        WindowsLogSources.EventClass processCreation = classOf(SYSMON, 1);
        WindowsLogSources.EventClass security = classOf("Security", 4624);
        assertThat(windows.applies(ls("windows", "process_creation", null), processCreation)).isTrue();
        assertThat(windows.applies(ls("windows", "process_creation", null), classOf(SYSMON, 5))).isFalse();
        assertThat(windows.applies(ls("windows", "process_creation", null), security)).isFalse();
        assertThat(windows.applies(ls(null, "process_creation", null), processCreation)).as("generic category").isTrue();
        assertThat(windows.applies(ls("Windows", "Process_Creation", null), processCreation)).as("case-insensitive").isTrue();
        assertThat(windows.applies(ls("windows", null, "security"), security)).isTrue();
        assertThat(windows.applies(ls("windows", null, "security"), processCreation)).isFalse();
        assertThat(windows.applies(ls("windows", null, "sysmon"), processCreation)).isTrue();
        assertThat(windows.applies(ls("windows", null, null), security)).as("every Windows event").isTrue();
        assertThat(windows.applies(LogSource.ANY, security)).isTrue();
        assertThat(windows.applies(ls("windows", "file_access", null), security)).as("a category from ETW, not a channel").isTrue();
        assertThat(windows.applies(ls("windows", null, "some-new-service"), security)).as("a Windows service the table lacks").isTrue();
        assertThat(windows.applies(ls("linux", "process_creation", null), processCreation)).isFalse();
        assertThat(windows.applies(ls(null, "webserver", null), security)).as("no product, not a Windows logsource").isFalse();
        assertThat(windows.applies(ls(null, null, "apache"), security)).isFalse();
        assertThat(windows.applies(ls("linux", "process_creation", null), null)).as("an unclassified event: every rule").isTrue();
    }

    @Test
    void the_raw_matcher_evaluates_a_rule_only_on_windows_events_of_its_logsource() {
        RuleSet rules = SigmaLoader.loadTexts(Map.of(
                "proc.yml", """
                        title: cmd started
                        id: 00000000-0000-0000-0000-000000000001
                        logsource: {product: windows, category: process_creation}
                        detection:
                          sel: {Image|endswith: '\\cmd.exe'}
                          condition: sel
                        """,
                "web.yml", """
                        title: cmd in a web log
                        id: 00000000-0000-0000-0000-000000000002
                        logsource: {category: webserver}
                        detection:
                          keywords: ['cmd.exe']
                          condition: keywords
                        """), LoadOptions.defaults()).rules();
        Matcher compiled = Matcher.raw(rules);
        Matcher oracle = Matcher.oracle(rules, FieldMapping.raw());
        Map<String, List<String>> expected = Map.of(
                SYSMON + "|1", List.of("cmd started"),
                SYSMON + "|5", List.of(),
                "Security|4688", List.of(),
                "Some-Vendor/Operational|1", List.of("cmd started", "cmd in a web log"),
                "|", List.of("cmd started", "cmd in a web log"));
        for (Map.Entry<String, List<String>> e : expected.entrySet()) {
            String[] channel = e.getKey().split("\\|", -1);
            Map<String, Object> event = new java.util.HashMap<>(Map.of("Image", "C:\\Windows\\System32\\cmd.exe"));
            if (!channel[0].isEmpty()) {
                event.put("Channel", channel[0]);
                event.put("EventID", Integer.parseInt(channel[1]));
            }
            Document doc = new MapDocument(event);
            assertThat(compiled.match(doc).stream().map(Match::title).toList()).as(e.getKey()).containsExactlyInAnyOrderElementsOf(e.getValue());
            assertThat(oracle.match(doc)).as(e.getKey()).isEqualTo(compiled.match(doc));
        }
    }

    @Test
    void a_bad_table_is_refused_with_its_line() {
        assertThatThrownBy(() -> WindowsLogSources.parse("services: {}\ncategories:\n  x: {channels: [A], event_ids: [one]}\n", "t.yml"))
                .hasMessageContaining("t.yml:3").hasMessageContaining("'one'");
        assertThatThrownBy(() -> WindowsLogSources.parse("services: []\n", "t.yml")).hasMessageContaining("'services' and 'categories'");
    }
}
