package dev.kiroku.indicators.lists;

import dev.kiroku.indicators.Datasets;
import dev.kiroku.indicators.ImportResult;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.IndicatorType;
import dev.kiroku.indicators.SourceFormat;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class PlainListReaderTest {
    private final PlainListReader reader = new PlainListReader();

    @Test
    void mixedListWithCommentsDefangingAndJunk() {
        List<String> lines = List.of(
                "# campaign X",
                "",
                "44d88612fea8a8f36de82e1278abb02f",
                "3395856ce81f2b7382dee72602f798b642f14140 ; sha1 of something",
                "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
                "203.0.113.7",
                "2001:db8::/32",
                "198.51.100.0/24;65",
                "evil[.]example",
                "hxxp://bad.example/payload.sh",
                "dropper.elf",
                "this is not an indicator",
                "12345",
                "10.0.0.0/99");
        ImportResult result = reader.read(Path.of("feed.txt"), lines);
        Map<IndicatorType, Long> types = result.indicators().stream()
                .collect(Collectors.groupingBy(Indicator::type, Collectors.counting()));
        assertThat(types).containsEntry(IndicatorType.MD5, 1L).containsEntry(IndicatorType.SHA1, 1L)
                .containsEntry(IndicatorType.SHA256, 1L).containsEntry(IndicatorType.IP, 1L)
                .containsEntry(IndicatorType.CIDR, 2L).containsEntry(IndicatorType.DOMAIN, 1L)
                .containsEntry(IndicatorType.URL, 1L).containsEntry(IndicatorType.FILE_NAME, 1L);
        assertThat(result.indicators()).allMatch(i -> i.source().format() == SourceFormat.PLAIN_LIST);
        Indicator sha256 = result.indicators().stream().filter(i -> i.type() == IndicatorType.SHA256).findFirst().orElseThrow();
        assertThat(sha256.value()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(sha256.description()).isEqualTo("campaign X");
        assertThat(sha256.source().location()).isEqualTo("line 5");
        assertThat(result.indicators().stream().filter(i -> i.type() == IndicatorType.DOMAIN).findFirst().orElseThrow().value())
                .isEqualTo("evil.example");
        // MD5 and SHA-1 are evaluated: the agent records process.hash.md5 and .sha1 beside the SHA-256
        Indicator md5 = result.indicators().stream().filter(i -> i.type() == IndicatorType.MD5).findFirst().orElseThrow();
        assertThat(md5.evaluable()).isTrue();
        assertThat(result.problems()).extracting(p -> p.line()).containsExactly(12, 13, 14);
        assertThat(result.problems()).allMatch(p -> p.file().equals("feed.txt") && !p.reason().isBlank());
    }

    @Test
    void signatureBaseFileNameRegexes() {
        ImportResult result = reader.read(Path.of("filename-iocs.txt"), List.of(
                "# Mimikatz",
                "\\\\mimikatz\\.exe;80",
                "(?i)/tmp/\\.x[a-z]+\\.sh$;70;/tmp/\\.xsafe",
                "[unclosed;60",
                "ok\\.exe;high"));
        assertThat(result.indicators()).hasSize(2);
        assertThat(result.indicators().getFirst().type()).isEqualTo(IndicatorType.FILE_PATH_REGEX);
        assertThat(result.indicators().getFirst().tags()).containsExactly("score:80");
        assertThat(result.indicators().getFirst().description()).isEqualTo("Mimikatz");
        assertThat(result.problems()).extracting(p -> p.line()).containsExactly(4, 5);
        assertThat(result.problems().getFirst().reason()).contains("regular expression");
    }

    @Test
    void everySignatureBaseListLoads() throws Exception {
        Path dir = Datasets.signatureBaseIocs();
        for (String name : List.of("hash-iocs.txt", "c2-iocs.txt", "filename-iocs.txt")) {
            Path file = dir.resolve(name);
            List<String> lines = Files.readAllLines(file);
            long entries = lines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
            ImportResult result = reader.read(file, lines);
            assertThat(result.refused()).isFalse();
            assertThat(result.indicators().size() + result.problems().size()).as(name).isEqualTo((int) entries);
            assertThat(result.indicators().size()).as(name).isGreaterThan((int) (entries * 0.95));
            assertThat(result.indicators()).allMatch(i -> i.source().format() == SourceFormat.SIGNATURE_BASE);
        }
    }
}
