package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.event.EventCodec;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.Incomplete;
import dev.kiroku.event.LossReport;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.event.UserActivity;
import dev.kiroku.store.TestEvents;
import dev.kiroku.store.bench.SyntheticEvents;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexableField;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventDocumentsTest {
    private static final Instant T = Instant.parse("2025-03-10T12:00:00.123456789Z");

    private static List<Event> events() {
        List<Event> events = new ArrayList<>();
        SyntheticEvents synthetic = new SyntheticEvents(3, 20);
        for (int i = 0; i < 3000; i++) events.add(synthetic.event(i % 20, i + 1, T.plusMillis(i)));
        events.add(TestEvents.exec("a", 1, T, "web-1", "/usr/bin/curl", "curl", "--user", "admin x", "say \"hi\"", ""));
        events.add(TestEvents.connect("a", 2, T, "web-1", "::1", 443));
        events.add(TestEvents.file("a", 3, T, "web-1", "/tmp/ünïcode.tar.gz"));
        ProcessInfo bare = new ProcessInfo("e", 7, null, null, null, List.of(), null, "NOT-HEX", null, -1, null,
                new ProcessInfo.Namespaces("/system.slice/x", "abc", 1, 0, 3));
        ProcessInfo unresolved = new ProcessInfo("e2", 8, T, new ProcessInfo.ParentRef("p", 1, "", List.of("init", "-z")), "",
                List.of("argv0"), "", "", new ProcessInfo.Credentials(5, null, 6, "", -1, 7, 8), 0, "", null);
        events.add(new Event("a", 4, T, "", List.of(Incomplete.ARGS, Incomplete.HASH), new ProcessStart(bare, true)));
        events.add(new Event("a", 5, T, "h", List.of(), new ProcessExit(unresolved, -1, 9)));
        events.add(new Event("a", 6, T, "h", List.of(), new FileChange(FileChange.Action.RENAME, "noslash", "/old/p", true, null)));
        events.add(new Event("a", 7, T, "h", List.of(), new NetworkActivity(NetworkActivity.Action.LISTEN, "udp", "not-an-ip", 0, null, 0, false, null)));
        events.add(new Event("a", 8, T, "h", List.of(), new UserActivity(UserActivity.Action.LOGON, "bob", 1001, true, "10.0.0.1", "ssh",
                "USER_LOGIN", "op=login", TestEvents.process("a", 9, "/usr/sbin/sshd", "sshd"))));
        events.add(new Event("a", 9, T, "h", List.of(), new UserActivity(UserActivity.Action.PRIVILEGE_CHANGE, null, -1, false, null, null,
                null, null, TestEvents.process("a", 9, "/usr/bin/sudo", "sudo", "id"))));
        events.add(new Event("a", 10, T, "h", List.of(), new UserActivity(UserActivity.Action.AUTHENTICATION, "", 3, false, null, null,
                null, null, null)));
        events.add(new Event("a", 11, T, "h", List.of(Incomplete.MALFORMED), new LossReport("audit", 42, T.minusSeconds(5), T, "kernel lost counter")));
        return events;
    }

    private static List<String> describe(Document doc) {
        List<String> out = new ArrayList<>();
        for (IndexableField f : doc.getFields()) out.add(f.getClass().getSimpleName() + " " + f);
        out.sort(null);
        return out;
    }

    @Test
    void fields_made_from_the_records_equal_those_made_from_the_ecs_map() {
        for (Event e : events()) {
            assertThat(describe(EventDocuments.of(e))).as(e.toString()).isEqualTo(describe(EventDocuments.ofEcs(e)));
        }
    }

    @Test
    void the_stored_form_round_trips_every_event_and_is_smaller_than_json() {
        long binary = 0;
        long json = 0;
        for (Event e : events()) {
            byte[] bytes = EventBinary.encode(e);
            assertThat(EventBinary.decode(bytes, 0, bytes.length, EventBinary.envelopeOf(e))).as(e.toString()).isEqualTo(e);
            binary += bytes.length;
            json += EventCodec.encode(e).length;
        }
        assertThat(binary).isLessThan(json / 3);
    }

    @Test
    void json_stored_by_earlier_versions_is_still_read_and_garbage_is_refused() {
        Event e = events().getFirst();
        byte[] json = EventCodec.encode(e);
        assertThat(EventBinary.decode(json, 0, json.length, null)).isEqualTo(e);
        byte[] bytes = EventBinary.encode(e);
        assertThatThrownBy(() -> EventBinary.decode(bytes, 0, bytes.length - 3, EventBinary.envelopeOf(e)))
                .isInstanceOf(dev.kiroku.event.MalformedEventException.class);
        assertThatThrownBy(() -> EventBinary.decode(new byte[]{9, 1, 2}, 0, 3, null)).isInstanceOf(dev.kiroku.event.MalformedEventException.class);
    }

    /**
     * Bytes the version 3 encoder wrote (2026-11-26) for a file event whose process has all three
     * hashes: host, executables, MD5 and SHA-1 inline, the SHA-256 in doc values. Version 4 keeps the
     * first five in doc values too; stores written before still read the same event.
     */
    @Test
    void events_stored_in_version_3_are_still_read() {
        String v3 = "03067765622d310003010a2f746d702f782e736800000206656e742d31a44201e098f6fc0c000106656e742d3002192f7573722f6c69"
                + "622f73797374656d642f73797374656d64010873797374656d640e2f7573722f62696e2f6375726c03056375726c032d730968747470"
                + "3a2f2f780c2f686f6d652f616c6963650301d00f06616c696365d00f06616c696365d00fd00fd00f06067074732f300001cdcdcdcdcd"
                + "cdcdcdcdcdcdcdcdcdcdcd01efefefefefefefefefefefefefefefefefefefef";
        ProcessInfo p = new ProcessInfo("ent-1", 4242, Instant.parse("2025-03-10T11:00:00Z"),
                new ProcessInfo.ParentRef("ent-0", 1, "/usr/lib/systemd/systemd", List.of("systemd")),
                "/usr/bin/curl", List.of("curl", "-s", "http://x"), "/home/alice", "ab".repeat(32),
                new ProcessInfo.Credentials(1000, "alice", 1000, "alice", 1000, 1000, 1000), 3, "pts/0", null)
                .withHashes("cd".repeat(16), "ef".repeat(20), "ab".repeat(32));
        Event e = new Event("agent-1", 7, Instant.parse("2025-03-10T12:00:00Z"), "web-1", List.of(),
                new FileChange(FileChange.Action.CREATE, "/tmp/x.sh", null, false, p));
        byte[] bytes = java.util.HexFormat.of().parseHex(v3);
        assertThat(EventBinary.decode(bytes, 0, bytes.length, EventBinary.envelopeOf(e))).isEqualTo(e);
        byte[] v5 = EventBinary.encode(e);
        assertThat(EventBinary.decode(v5, 0, v5.length, EventBinary.envelopeOf(e))).isEqualTo(e);
    }

    /** Bytes main 81c868c stored ({@link Version4Connection}) still read. */
    @Test
    void events_stored_in_version_4_are_still_read() {
        Event e = Version4Connection.event();
        byte[] bytes = Version4Connection.stored();
        assertThat(EventBinary.decode(bytes, 0, bytes.length, EventBinary.envelopeOf(e))).isEqualTo(e);
    }

    @Test
    void since_version_5_the_process_record_is_a_column_with_entity_ids_as_their_bytes() {
        Event e = Version4Connection.event();
        EventBinary.Out out = new EventBinary.Out();
        EventBinary.encode(e, out);
        byte[] record = out.processColumn();
        assertThat(record).as("the process record goes to the doc values").isNotNull();
        byte[] stored = out.toByteArray();
        assertThat(EventBinary.decode(stored, 0, stored.length, EventBinary.envelopeOf(e))).isEqualTo(e);
        EventBinary.Out textId = new EventBinary.Out();
        EventBinary.encode(Version4Connection.connection(Version4Connection.process("AAECAwQFBgcICQoLDA0!")), textId);
        assertThat(textId.processColumn().length - record.length).as("20 characters of base64 kept as 15 bytes").isEqualTo(5 + 1);
        assertThatThrownBy(() -> EventBinary.decode(stored, 0, stored.length, envelopeWithoutProcessColumn(e)))
                .as("a missing column is a corrupt event, not a silent null")
                .isInstanceOf(dev.kiroku.event.MalformedEventException.class).hasMessageContaining(Fields.PROCESS);
    }

    @Test
    void a_process_record_too_long_for_a_column_stays_in_the_stored_event() {
        List<String> args = new ArrayList<>(List.of("sh", "-c"));
        args.add("x".repeat(100_000));
        ProcessInfo huge = new ProcessInfo("AAECAwQFBgcICQoLDA0O", 1, T, null, "/bin/sh", args, "/", null, null, 0, null, null);
        Event e = new Event("a", 1, T, "h", List.of(), new ProcessStart(huge, false));
        EventBinary.Out out = new EventBinary.Out();
        EventBinary.encode(e, out);
        assertThat(out.processColumn()).isNull();
        assertThat(out.length()).isGreaterThan(100_000);
        byte[] stored = out.toByteArray();
        assertThat(EventBinary.decode(stored, 0, stored.length, EventBinary.envelopeOf(e))).isEqualTo(e);
    }

    private static EventBinary.Envelope envelopeWithoutProcessColumn(Event e) {
        EventBinary.Envelope known = EventBinary.envelopeOf(e);
        return new EventBinary.Envelope() {
            public String agentId() {
                return known.agentId();
            }

            public long sequence() {
                return known.sequence();
            }

            public Instant timestamp() {
                return known.timestamp();
            }

            public String hash() {
                return known.hash();
            }

            public String column(String field) {
                return known.column(field);
            }

            public org.apache.lucene.util.BytesRef processColumn() {
                return null;
            }
        };
    }
}
