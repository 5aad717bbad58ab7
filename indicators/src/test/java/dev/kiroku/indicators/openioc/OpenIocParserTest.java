package dev.kiroku.indicators.openioc;

import dev.kiroku.event.FileChange;
import dev.kiroku.indicators.Datasets;
import dev.kiroku.indicators.Events;
import dev.kiroku.indicators.ImportResult;
import dev.kiroku.indicators.Indicator;
import dev.kiroku.indicators.SourceFormat;
import dev.kiroku.indicators.expr.EventView;
import dev.kiroku.indicators.expr.Truth;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OpenIocParserTest {
    private final OpenIocParser parser = new OpenIocParser();

    @Test
    void everySharedFileParses() throws Exception {
        List<Path> files = Datasets.openIocFiles();
        assertThat(files).hasSize(142);
        List<String> refused = new ArrayList<>();
        int v10 = 0, v11 = 0, evaluable = 0;
        for (Path file : files) {
            ImportResult result = parser.parse(file.toString(), Files.readAllBytes(file));
            if (result.refused()) {
                refused.add(file + ": " + result.problems());
                continue;
            }
            Indicator ioc = result.indicators().getFirst();
            if (ioc.source().format() == SourceFormat.OPENIOC_1_0) v10++; else v11++;
            if (ioc.evaluable()) evaluable++;
            else assertThat(ioc.notEvaluableReason()).isNotBlank();
        }
        assertThat(refused).isEmpty();
        assertThat(v10).isPositive();
        assertThat(v11).isPositive();
        assertThat(evaluable).isPositive();
    }

    @Test
    void v11TreeWithNegationConditionsAndCase() {
        String ioc = v11("""
                <Indicator operator="OR" id="root">
                  <Indicator operator="AND" id="a">
                    <IndicatorItem id="1" condition="is" preserve-case="false" negate="false">
                      <Context document="ProcessItem" search="ProcessItem/name" type="mir"/>
                      <Content type="string">CURL</Content>
                    </IndicatorItem>
                    <IndicatorItem id="2" condition="contains" preserve-case="true" negate="true">
                      <Context document="ProcessItem" search="ProcessItem/arguments" type="mir"/>
                      <Content type="string">--Safe</Content>
                    </IndicatorItem>
                  </Indicator>
                  <IndicatorItem id="3" condition="ends-with" negate="false">
                    <Context document="FileItem" search="FileItem/FullPath" type="mir"/>
                    <Content type="string">/.evil.sh</Content>
                  </IndicatorItem>
                  <IndicatorItem id="4" condition="greater-than" negate="false">
                    <Context document="PortItem" search="PortItem/remotePort" type="mir"/>
                    <Content type="int">60000</Content>
                  </IndicatorItem>
                </Indicator>""");
        Indicator indicator = parseOne(ioc);
        assertThat(indicator.source().format()).isEqualTo(SourceFormat.OPENIOC_1_1);
        assertThat(indicator.unsupportedTerms()).isEmpty();
        assertThat(eval(indicator, Events.exec(10, "/usr/bin/wget", null, "wget", "http://x.example/a"))).isEqualTo(Truth.FALSE);
        // process.name is "curl": the case-insensitive 'is' matches CURL; "--Safe" (case-sensitive) negated
        assertThat(eval(indicator, Events.exec(10, "/usr/bin/CURL", null, "CURL", "-o", "x"))).isEqualTo(Truth.TRUE);
        assertThat(eval(indicator, Events.exec(10, "/usr/bin/CURL", null, "CURL", "--Safe"))).isEqualTo(Truth.FALSE);
        assertThat(eval(indicator, Events.exec(10, "/usr/bin/CURL", null, "CURL", "--safe"))).isEqualTo(Truth.TRUE);
        assertThat(eval(indicator, Events.file("/tmp/.evil.sh", FileChange.Action.CREATE))).isEqualTo(Truth.TRUE);
        assertThat(eval(indicator, Events.connect("203.0.113.9", 61000))).isEqualTo(Truth.TRUE);
        assertThat(eval(indicator, Events.connect("203.0.113.9", 443))).isEqualTo(Truth.FALSE);
    }

    @Test
    void v10IsnotAndIpTerms() {
        String ioc = """
                <?xml version="1.0" encoding="us-ascii"?>
                <ioc xmlns="http://schemas.mandiant.com/2010/ioc" id="x10">
                  <short_description>TEST</short_description>
                  <links><link rel="threatgroup">APT99</link></links>
                  <definition>
                    <Indicator operator="AND" id="r">
                      <IndicatorItem id="1" condition="is">
                        <Context document="PortItem" search="PortItem/remoteIP" type="mir"/>
                        <Content type="IP">203.0.113.9</Content>
                      </IndicatorItem>
                      <IndicatorItem id="2" condition="isnot">
                        <Context document="PortItem" search="PortItem/remotePort" type="mir"/>
                        <Content type="int">443</Content>
                      </IndicatorItem>
                    </Indicator>
                  </definition>
                </ioc>""";
        Indicator indicator = parseOne(ioc);
        assertThat(indicator.source().format()).isEqualTo(SourceFormat.OPENIOC_1_0);
        assertThat(indicator.tags()).contains("threatgroup:APT99");
        assertThat(eval(indicator, Events.connect("203.0.113.9", 8443))).isEqualTo(Truth.TRUE);
        assertThat(eval(indicator, Events.connect("203.0.113.9", 443))).isEqualTo(Truth.FALSE);
        assertThat(eval(indicator, Events.connect("203.0.113.10", 8443))).isEqualTo(Truth.FALSE);
    }

    @Test
    void unsupportedTermsAreUnknownAndAnIocOnlyTheyCouldSatisfyIsNotEvaluable() {
        Indicator onlyRegistry = parseOne(v11("""
                <Indicator operator="OR" id="r">
                  <IndicatorItem id="1" condition="contains">
                    <Context document="RegistryItem" search="RegistryItem/Path" type="mir"/>
                    <Content type="string">Run</Content>
                  </IndicatorItem>
                  <Indicator operator="AND" id="n">
                    <IndicatorItem id="2" condition="is" negate="true">
                      <Context document="RegistryItem" search="RegistryItem/Text" type="mir"/>
                      <Content type="string">x</Content>
                    </IndicatorItem>
                  </Indicator>
                </Indicator>"""));
        assertThat(onlyRegistry.evaluable()).isFalse();
        assertThat(onlyRegistry.notEvaluableReason()).contains("RegistryItem/Path", "Windows");
        // NOT(unsupported) is UNKNOWN: never "matches everything"
        assertThat(eval(onlyRegistry, Events.exec(1, "/bin/ls", null, "ls"))).isEqualTo(Truth.UNKNOWN);

        Indicator mixed = parseOne(v11("""
                <Indicator operator="OR" id="r">
                  <IndicatorItem id="1" condition="is">
                    <Context document="FileItem" search="FileItem/Md5sum" type="mir"/>
                    <Content type="md5">f6fafb7c30b1114befc93f39d0698560</Content>
                  </IndicatorItem>
                  <IndicatorItem id="2" condition="is">
                    <Context document="FileItem" search="FileItem/FileName" type="mir"/>
                    <Content type="string">dropper.bin</Content>
                  </IndicatorItem>
                </Indicator>"""));
        assertThat(mixed.evaluable()).isTrue();
        assertThat(mixed.unsupportedTerms()).isEmpty(); // the MD5 is recorded as process.hash.md5
        assertThat(eval(mixed, Events.file("/tmp/dropper.bin", FileChange.Action.CREATE))).isEqualTo(Truth.TRUE);
        assertThat(eval(mixed, Events.exec(7, "/tmp/x", null, "x"))).isNotEqualTo(Truth.TRUE);
        assertThat(eval(mixed, new dev.kiroku.event.Event("agent-1", 1, Events.T0, "web-1", List.of(),
                new dev.kiroku.event.ProcessStart(Events.process(7, "/tmp/x", null, "x")
                        .withHashes("f6fafb7c30b1114befc93f39d0698560", null, null), false)))).isEqualTo(Truth.TRUE);
    }

    @Test
    void malformedXmlIsRefusedWithLine() {
        ImportResult result = parser.parse("broken.ioc", "<OpenIOC xmlns=\"http://openioc.org/schemas/OpenIOC_1.1\">\n<criteria>\n</OpenIOC>".getBytes(StandardCharsets.UTF_8));
        assertThat(result.refused()).isTrue();
        assertThat(result.problems().getFirst().line()).isEqualTo(3);
        assertThat(result.problems().getFirst().reason()).contains("malformed");
    }

    @Test
    void billionLaughsIsRefusedWithoutExpansion() {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
        xml.append("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
        for (int i = 2; i <= 9; i++) {
            xml.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i - 1) + ";").repeat(10)).append("\">\n");
        }
        xml.append("]>\n<OpenIOC xmlns=\"http://openioc.org/schemas/OpenIOC_1.1\"><metadata><short_description>&lol9;</short_description></metadata><criteria/></OpenIOC>");
        long start = System.nanoTime();
        ImportResult result = parser.parse("laughs.ioc", xml.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(result.refused()).isTrue();
        assertThat(result.problems().getFirst().reason()).contains("DOCTYPE");
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    }

    @Test
    void externalEntityIsRefusedAndNothingIsRead() throws Exception {
        Path secret = Files.createTempFile("kiroku-xxe", ".txt");
        try {
            Files.writeString(secret, "TOP-SECRET-CONTENT");
            String xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n"
                    + "<OpenIOC xmlns=\"http://openioc.org/schemas/OpenIOC_1.1\"><metadata><short_description>&xxe;</short_description></metadata>"
                    + "<criteria><Indicator operator=\"OR\"><IndicatorItem condition=\"is\"><Context search=\"ProcessItem/name\"/><Content>a</Content></IndicatorItem></Indicator></criteria></OpenIOC>";
            ImportResult result = parser.parse("xxe.ioc", xml.getBytes(StandardCharsets.UTF_8));
            assertThat(result.refused()).isTrue();
            assertThat(result.indicators()).isEmpty();
            assertThat(result.problems().toString()).doesNotContain("TOP-SECRET-CONTENT").contains("DOCTYPE");
        } finally {
            Files.deleteIfExists(secret);
        }
    }

    @Test
    void oversizedAndForeignDocumentsAreRefused() {
        byte[] big = new byte[SafeXml.MAX_BYTES + 1];
        assertThat(parser.parse("big.ioc", big).problems().getFirst().reason()).contains("limit");
        ImportResult foreign = parser.parse("x.xml", "<rss/>".getBytes(StandardCharsets.UTF_8));
        assertThat(foreign.refused()).isTrue();
        assertThat(foreign.problems().getFirst().reason()).contains("not an OpenIOC");
    }

    static String v11(String criteria) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<OpenIOC xmlns=\"http://openioc.org/schemas/OpenIOC_1.1\" id=\"t-1\">"
                + "<metadata><short_description>T</short_description></metadata><criteria>" + criteria + "</criteria></OpenIOC>";
    }

    private Indicator parseOne(String xml) {
        ImportResult result = parser.parse("test.ioc", xml.getBytes(StandardCharsets.UTF_8));
        assertThat(result.problems()).isEmpty();
        return result.indicators().getFirst();
    }

    private static Truth eval(Indicator indicator, dev.kiroku.event.Event event) {
        return indicator.condition().evaluate(EventView.of(event));
    }
}
