package dev.kiroku.store.lucene;

import dev.kiroku.event.Event;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessInfo;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * A connection and the bytes the version 4 encoder stored for it (2026-11-28, main 81c868c): its
 * process record inline, with host, executables and the three hashes in doc values. The process
 * has an entity id of the usual form, its parent one that is not.
 */
final class Version4Connection {
    static final String ENTITY_ID = "AAECAwQFBgcICQoLDA0O";
    private static final String STORED = "0401000401047463700931302e302e302e3280f1040931302e302e302e39f60601021541414543417751464267634943516f4c4441304f"
            + "a44201e098f6fc0c000106656e742d300201010873797374656d640103056375726c032d7309687474703a2f2f780c2f686f6d652f61"
            + "6c6963650301d00f06616c696365d00f06616c696365d00fd00fd00f06067074732f30000303";

    private Version4Connection() {
    }

    /** What version 4 stored for {@link #event()}. */
    static byte[] stored() {
        return HexFormat.of().parseHex(STORED);
    }

    static Event event() {
        return connection(process(ENTITY_ID));
    }

    static ProcessInfo process(String entityId) {
        return new ProcessInfo(entityId, 4242, Instant.parse("2025-03-10T11:00:00Z"),
                new ProcessInfo.ParentRef("ent-0", 1, "/usr/lib/systemd/systemd", List.of("systemd")),
                "/usr/bin/curl", List.of("curl", "-s", "http://x"), "/home/alice", "ab".repeat(32),
                new ProcessInfo.Credentials(1000, "alice", 1000, "alice", 1000, 1000, 1000), 3, "pts/0", null)
                .withHashes("cd".repeat(16), "ef".repeat(20), "ab".repeat(32));
    }

    static Event connection(ProcessInfo p) {
        return new Event("agent-1", 7, Instant.parse("2025-03-10T12:00:00Z"), "web-1", List.of(),
                new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", "10.0.0.2", 40000, "10.0.0.9", 443, true, p));
    }
}
