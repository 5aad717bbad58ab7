package dev.kiroku.detect.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HuntAndLintTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    Path rule() throws IOException {
        Path r = dir.resolve("rule.yml");
        Files.writeString(r, """
            title: Whoami
            id: 00000000-0000-0000-0000-00000000beef
            level: medium
            logsource: {product: windows, category: process_creation}
            detection:
                sel: {Image|endswith: '\\whoami.exe'}
                condition: sel
            """);
        return r;
    }

    static String event(String image) {
        return "{\"Image\": \"C:\\\\Windows\\\\" + image + "\", \"n\": 1}";
    }

    record Output(String out, String err) {
    }

    Output hunt(Path input, Hunt.Format format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Hunt.run(List.of(rule()), List.of(input), format, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        return new Output(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lines", "array", "concatenated"})
    void hunt_reads_json_lines_arrays_and_concatenated_objects(String layout) throws IOException {
        String a = event("whoami.exe");
        String b = event("cmd.exe");
        String text = switch (layout) {
            case "lines" -> a + "\n" + b + "\n" + a + "\n";
            case "array" -> "[\n" + a + ",\n" + b + ",\n" + a + "\n]";
            default -> a.replace(", ", ",\n  ") + "\n" + b.replace(", ", ",\n  ") + a;
        };
        Path input = dir.resolve("events.json");
        Files.writeString(input, text);
        Output o = hunt(input, Hunt.Format.JSON);
        List<JsonNode> lines = o.out().lines().map(HuntAndLintTest::parse).toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.getFirst().get("rule_id").asText()).isEqualTo("00000000-0000-0000-0000-00000000beef");
        assertThat(lines.getFirst().get("rule_title").asText()).isEqualTo("Whoami");
        assertThat(lines.getFirst().get("level").asText()).isEqualTo("medium");
        assertThat(lines.getFirst().get("source").get("position").asLong()).isEqualTo(1);
        assertThat(lines.get(1).get("source").get("position").asLong()).isEqualTo(3);
        assertThat(lines.getFirst().get("event").get("n").asInt()).isEqualTo(1);
        JsonNode summary = parse(o.err().lines().filter(l -> l.startsWith("{")).reduce((x, y) -> y).orElseThrow()).get("summary");
        assertThat(summary.get("events").asLong()).isEqualTo(3);
        assertThat(summary.get("counts").get(0).get("count").asLong()).isEqualTo(2);
    }

    @Test
    void malformed_items_are_reported_with_their_position_and_skipped() throws IOException {
        Path input = dir.resolve("bad.jsonl");
        Files.writeString(input, event("whoami.exe") + "\n{\"Image\": broken}\n" + event("whoami.exe") + "\n");
        Output o = hunt(input, Hunt.Format.CSV);
        assertThat(o.out().lines()).hasSize(3).first().isEqualTo("rule_id,rule_title,level,file,position,line");
        assertThat(o.err()).contains("item 2 (line 2)").contains("malformed JSON");
    }

    @Test
    void hunt_reads_json_inside_zip_archives() throws IOException {
        Path zip = dir.resolve("logs.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("a.json"));
            z.write((event("whoami.exe") + "\n").getBytes(StandardCharsets.UTF_8));
            z.putNextEntry(new ZipEntry("notes.txt"));
            z.write("ignored".getBytes(StandardCharsets.UTF_8));
        }
        Output o = hunt(zip, Hunt.Format.TABLE);
        assertThat(o.out()).contains("Whoami").contains("logs.zip!a.json#1").contains("1 events");
    }

    @Test
    void lint_prints_one_json_object_per_file_and_a_summary() throws IOException {
        rule();
        Files.writeString(dir.resolve("bad.yml"), "title: x\nlogsource: {product: a}\ndetection:\n  sel: {f|nope: 1}\n  condition: sel\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = SigmaLint.run(List.of(dir), true, new PrintStream(out, true, StandardCharsets.UTF_8));
        List<JsonNode> lines = out.toString(StandardCharsets.UTF_8).lines().map(HuntAndLintTest::parse).toList();
        assertThat(code).isEqualTo(1);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).get("status").asText()).isEqualTo("refused");
        assertThat(lines.get(0).get("reason").asText()).contains("line 4").contains("unknown modifier 'nope'");
        assertThat(lines.get(1).get("status").asText()).isEqualTo("loaded");
        assertThat(lines.get(2).get("summary").get("loaded").asInt()).isEqualTo(1);
        assertThat(lines.get(2).get("summary").get("refused").asInt()).isEqualTo(1);
    }

    static JsonNode parse(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new AssertionError(s, e);
        }
    }

    static OutputStream unused() {
        return OutputStream.nullOutputStream();
    }
}
