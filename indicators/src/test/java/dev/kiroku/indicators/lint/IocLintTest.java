package dev.kiroku.indicators.lint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiroku.indicators.Datasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IocLintTest {
    @TempDir
    Path dir;

    @Test
    void oneJsonObjectPerFileWithTheDocumentedKeys() throws Exception {
        Path xxe = Files.writeString(dir.resolve("xxe.ioc"), "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><ioc>&e;</ioc>");
        Path list = Files.writeString(dir.resolve("feed.txt"), "# c2\n203.0.113.9\nnot an indicator\n");
        Path stix = Files.writeString(dir.resolve("bad.json"), "{\"type\":\"indicator\",\"id\":\"indicator--1\",\"pattern\":\"[file:name = \"}");
        List<Path> paths = new ArrayList<>(List.of(xxe, list, stix, Datasets.openIoc()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = IocLint.run(paths, true, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(1);
        List<JsonNode> reports = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) reports.add(json.readTree(line));
        assertThat(reports).allSatisfy(r -> assertThat(r.has("file") && r.has("status") && r.has("indicators")
                && r.get("unsupported_terms").isArray() && r.has("reason")).isTrue());
        assertThat(reports.get(0).get("status").asText()).isEqualTo("refused");
        assertThat(reports.get(0).get("reason").asText()).contains("DOCTYPE");
        assertThat(reports.get(1).get("status").asText()).isEqualTo("parsed");
        assertThat(reports.get(1).get("indicators").asInt()).isEqualTo(1);
        assertThat(reports.get(1).get("skipped").get(0).get("line").asInt()).isEqualTo(3);
        assertThat(reports.get(2).get("status").asText()).isEqualTo("parsed");
        assertThat(reports.get(2).get("indicators").asInt()).isZero();
        assertThat(reports.get(2).get("reason").asText()).contains("skipped");
        List<JsonNode> iocs = reports.stream().filter(r -> r.get("file").asText().endsWith(".ioc") && !r.get("file").asText().endsWith("xxe.ioc")).toList();
        assertThat(iocs).hasSize(142).allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("parsed"));
        assertThat(iocs).anySatisfy(r -> assertThat(r.get("unsupported_terms").toString()).contains("RegistryItem"));
    }
}
