package dev.kiroku.server.detect;

import dev.kiroku.content.BuiltinRules;
import dev.kiroku.detect.sigma.FieldMapping;
import dev.kiroku.detect.sigma.LoadOptions;
import dev.kiroku.detect.sigma.Matcher;
import dev.kiroku.detect.sigma.MapDocument;
import dev.kiroku.detect.sigma.RuleSet;
import dev.kiroku.detect.sigma.SigmaLoader;
import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.LossReport;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.Payload;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The detection skips the kinds of event no loaded rule can match, and only those: a skipped event never matches
 * a rule, whatever its fields.
 */
class ExaminedKindsTest {
    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private static final FieldMapping MAPPING = FieldMapping.kiroku();

    private static final String PROCESS_RULE = """
            title: Netcat Listener
            id: 11111111-1111-4111-8111-111111111111
            logsource: {product: linux, category: process_creation}
            detection:
              selection: {Image|endswith: '/nc', CommandLine|contains: ' -l'}
              condition: selection
            level: high
            """;
    private static final String FILE_RULE = """
            title: Cron File Written
            id: 22222222-2222-4222-8222-222222222222
            logsource: {product: linux, category: file_event}
            detection:
              selection: {TargetFilename|startswith: '/etc/cron'}
              condition: selection
            level: medium
            """;

    @Test
    void onlyKindsSomeRuleTargetsAreExamined() {
        ExaminedKinds processOnly = kinds(Map.of("p.yml", PROCESS_RULE));
        assertThat(decide(processOnly, exec("/usr/bin/nc", "-l"))).isTrue();
        assertThat(decide(processOnly, exit())).isFalse();
        assertThat(decide(processOnly, file(FileChange.Action.CREATE, "/etc/cron.d/x"))).isFalse();
        assertThat(decide(processOnly, loss())).isFalse();
        assertThat(processOnly.known(event(exit()))).as("decided once per kind").isFalse();
        assertThat(processOnly.known(event(file(FileChange.Action.DELETE, "/tmp/a")))).as("a kind not seen yet").isNull();

        ExaminedKinds withFiles = kinds(Map.of("p.yml", PROCESS_RULE, "f.yml", FILE_RULE));
        assertThat(decide(withFiles, file(FileChange.Action.CREATE, "/etc/cron.d/x"))).isTrue();
        assertThat(decide(withFiles, file(FileChange.Action.MODIFY, "/etc/cron.d/x"))).isTrue();
        assertThat(decide(withFiles, file(FileChange.Action.DELETE, "/etc/cron.d/x"))).as("file_event: created or modified").isFalse();
        assertThat(decide(withFiles, exit())).isFalse();
    }

    @Test
    void aSkippedEventNeverMatchesTheRulesOfTheRealRuleLibrary() {
        RuleSet rules = SigmaLoader.loadTexts(BuiltinRules.load(ExaminedKindsTest.class.getClassLoader()), LoadOptions.defaults()).rules();
        ExaminedKinds kinds = new ExaminedKinds(rules, MAPPING);
        Matcher matcher = Matcher.compiled(rules, MAPPING);
        Random random = new Random(7);
        String[] paths = {"/etc/cron.d/job", "/tmp/x.sh", "/root/.ssh/authorized_keys", "/etc/passwd", "/usr/bin/nc", "/dev/shm/a"};
        int skipped = 0;
        for (int i = 0; i < 3_000; i++) {
            String path = paths[random.nextInt(paths.length)];
            Payload payload = switch (random.nextInt(5)) {
                case 0 -> exec(path, random.nextBoolean() ? "-l" : "-c");
                case 1 -> exit();
                case 2 -> file(FileChange.Action.values()[random.nextInt(FileChange.Action.values().length)], path);
                case 3 -> network(NetworkActivity.Action.values()[random.nextInt(NetworkActivity.Action.values().length)]);
                default -> loss();
            };
            Event event = event(payload);
            Map<String, Object> ecs = event.toEcs();
            Boolean known = kinds.known(event);
            boolean examined = known != null ? known : kinds.decide(event, ecs);
            if (!examined) {
                skipped++;
                assertThat(matcher.match(new MapDocument(ecs))).as("skipped %s", ecs).isEmpty();
            }
        }
        assertThat(skipped).as("the built-in rules have no rule for process exits or loss reports").isPositive();
    }

    private static ExaminedKinds kinds(Map<String, String> texts) {
        return new ExaminedKinds(SigmaLoader.loadTexts(texts, LoadOptions.defaults()).rules(), MAPPING);
    }

    private static boolean decide(ExaminedKinds kinds, Payload payload) {
        Event event = event(payload);
        return kinds.decide(event, event.toEcs());
    }

    private static Event event(Payload payload) {
        return Event.of("agent-1", NOW, "host-1", payload).withSequence(1);
    }

    private static ProcessInfo process(String executable, String argument) {
        return new ProcessInfo("e-1", 4242, NOW.minusSeconds(5), null, executable, List.of(executable, argument), "/root",
                null, new ProcessInfo.Credentials(0, "root", 0, "root", 0, 0, 0), 3, "pts/0", null, null, null);
    }

    private static Payload exec(String executable, String argument) {
        return new ProcessStart(process(executable, argument), false);
    }

    private static Payload exit() {
        return new ProcessExit(process("/usr/bin/true", ""), 0, 0);
    }

    private static Payload file(FileChange.Action action, String path) {
        return new FileChange(action, path, action == FileChange.Action.RENAME ? path + ".old" : null, false,
                process("/usr/bin/bash", "-c"), null, null, null);
    }

    private static Payload network(NetworkActivity.Action action) {
        return new NetworkActivity(action, "tcp", "10.0.0.2", 40000, "10.0.0.9", 4444, true, process("/usr/bin/nc", "-e"));
    }

    private static Payload loss() {
        return new LossReport("audit", 3, NOW.minusSeconds(2), NOW, "backlog full");
    }
}
