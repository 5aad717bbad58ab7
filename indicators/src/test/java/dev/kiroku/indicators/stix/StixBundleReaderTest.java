package dev.kiroku.indicators.stix;

import dev.kiroku.indicators.ImportResult;
import dev.kiroku.indicators.Indicator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class StixBundleReaderTest {
    private final StixBundleReader reader = new StixBundleReader();

    @Test
    void bundleWithRelationshipsExpiryAndABadPattern() {
        String bundle = """
                {"type":"bundle","id":"bundle--1","objects":[
                  {"type":"indicator","spec_version":"2.1","id":"indicator--a","name":"C2","pattern_type":"stix",
                   "pattern":"[ipv4-addr:value = '203.0.113.5']","valid_from":"2026-01-01T00:00:00Z",
                   "valid_until":"2027-01-01T00:00:00Z","indicator_types":["malicious-activity"],
                   "kill_chain_phases":[{"kill_chain_name":"mitre-attack","phase_name":"command-and-control"}]},
                  {"type":"indicator","spec_version":"2.1","id":"indicator--b","pattern_type":"stix","pattern":"[file:name = 'x'"},
                  {"type":"indicator","spec_version":"2.1","id":"indicator--c","pattern_type":"sigma","pattern":"title: x"},
                  {"type":"campaign","id":"campaign--1","name":"Night Owl"},
                  {"type":"attack-pattern","id":"attack-pattern--1","name":"Ingress Tool Transfer",
                   "external_references":[{"source_name":"mitre-attack","external_id":"T1105"}]},
                  {"type":"relationship","id":"relationship--1","relationship_type":"indicates","source_ref":"indicator--a","target_ref":"campaign--1"},
                  {"type":"relationship","id":"relationship--2","relationship_type":"indicates","source_ref":"indicator--a","target_ref":"attack-pattern--1"}
                ]}""";
        ImportResult result = reader.read("feed.json", bundle.getBytes(StandardCharsets.UTF_8));
        assertThat(result.indicators()).hasSize(1);
        Indicator a = result.indicators().getFirst();
        assertThat(a.id()).isEqualTo("indicator--a");
        assertThat(a.expires()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(a.tags()).contains("type:malicious-activity", "mitre-attack:command-and-control", "campaign:Night Owl",
                "attack-pattern:Ingress Tool Transfer", "attack.t1105");
        assertThat(result.problems()).hasSize(2);
        assertThat(result.problems().get(0).reason()).contains("objects[1]", "indicator--b", "position 16");
        assertThat(result.problems().get(1).reason()).contains("sigma");
    }

    @Test
    void malformedJsonIsRefusedWithLine() {
        ImportResult result = reader.read("bad.json", "{\"type\":\"bundle\",\n\"objects\":[ {]}".getBytes(StandardCharsets.UTF_8));
        assertThat(result.refused()).isTrue();
        assertThat(result.problems().getFirst().line()).isEqualTo(2);
    }
}
