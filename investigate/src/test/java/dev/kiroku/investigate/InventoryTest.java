package dev.kiroku.investigate;

import dev.kiroku.agent.inventory.ExecutableInventoryScanner;
import dev.kiroku.event.Event;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.investigate.inventory.FileInventory;
import dev.kiroku.investigate.inventory.InventoryEntry;
import dev.kiroku.investigate.inventory.InventoryRecord;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent-side scanner over real files, and the server-side inventory in a real H2 database. */
class InventoryTest {

    @Test
    void theScannerFindsExecutablesAndScriptsHashesThemAndKeepsToItsBudget(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = Files.write(bin.resolve("tool"), new byte[]{0x7f, 'E', 'L', 'F', 1, 2, 3});
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path script = Files.writeString(bin.resolve("run"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(bin.resolve("notes.txt"), "not executable");
        Files.write(bin.resolve("big"), new byte[4096]);
        Files.setPosixFilePermissions(bin.resolve("big"), PosixFilePermissions.fromString("rwx------"));
        Files.createSymbolicLink(bin.resolve("link"), Path.of("/usr/bin/true"));

        ExecutableInventoryScanner.Result result = new ExecutableInventoryScanner(List.of(bin, dir.resolve("missing")), 1024, 1 << 20,
                1.0).scan();
        assertThat(result.records()).extracting(dev.kiroku.fleet.wire.ScannedExecutable::path).containsExactlyInAnyOrder(tool.toString(), script.toString());
        assertThat(result.skippedTooLarge()).isEqualTo(1);
        assertThat(result.budgetExhausted()).isFalse();
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(script)));
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(script)));
        String sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(Files.readAllBytes(script)));
        assertThat(result.records()).filteredOn(r -> r.path().equals(script.toString())).singleElement()
                .satisfies(r -> {
                    assertThat(r.sha256()).isEqualTo(expected);
                    assertThat(r.md5()).isEqualTo(md5);
                    assertThat(r.sha1()).isEqualTo(sha1);
                });
        assertThat(dev.kiroku.fleet.wire.ScannedExecutable.decode(dev.kiroku.fleet.wire.ScannedExecutable.encode(result.records())))
                .containsExactlyInAnyOrderElementsOf(result.records());

        ExecutableInventoryScanner.Result tight = new ExecutableInventoryScanner(List.of(bin), 1024, 10, 1.0).scan();
        assertThat(tight.budgetExhausted()).isTrue();
        assertThat(tight.bytesHashed()).isLessThanOrEqualTo(10);
    }

    @Test
    void aWrittenExecutableWithItsDigestsIsInventoriedByHashWhereverItLies() {
        Instant t = Instant.parse("2026-11-27T10:00:00Z");
        String sha = "5e".repeat(32);
        var written = new dev.kiroku.event.FileChange(dev.kiroku.event.FileChange.Action.MODIFY, "/srv/app/dropper", null, false, null)
                .withHashes("0d".repeat(16), "a1".repeat(20), sha);
        InventoryRecord r = FileInventory.sighting(Event.of("a", t, "h", written));
        assertThat(r).isEqualTo(new InventoryRecord("a", "h", "/srv/app/dropper", sha, -1, t, false, "file_event",
                "0d".repeat(16), "a1".repeat(20)));
        var unhashed = new dev.kiroku.event.FileChange(dev.kiroku.event.FileChange.Action.MODIFY, "/srv/app/notes.txt", null, false, null);
        assertThat(FileInventory.sighting(Event.of("a", t, "h", unhashed))).isNull(); // not under an executable location
        var deleted = new dev.kiroku.event.FileChange(dev.kiroku.event.FileChange.Action.DELETE, "/srv/app/dropper", null, false, null)
                .withHashes(null, null, sha);
        assertThat(FileInventory.sighting(Event.of("a", t, "h", deleted))).isNull();
    }

    @Test
    void sightingsMergeIntoOneEntryPerVersionAndAnExecutionSticks() {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:inventory-merge;DB_CLOSE_DELAY=-1");
        FileInventory inventory = new FileInventory(db, InstantSource.system());
        new FileInventory(db, InstantSource.system()); // migrations run once
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        String sha = "ab".repeat(32);
        inventory.record(List.of(new InventoryRecord("a", "h", "/opt/x", sha, 10, t.plusSeconds(60), false, "scan"),
                new InventoryRecord("a", "h", "/opt/x", sha, -1, t, true, "exec", "AA".repeat(16), "bb".repeat(20)),
                new InventoryRecord("a", "h", "/opt/x", sha, 10, t.plusSeconds(120), false, "scan"),
                new InventoryRecord("b", "h2", "/tmp/x", sha.toUpperCase(), 10, t, false, "scan"),
                new InventoryRecord("b", "h2", "/tmp/x", "cd".repeat(32), 11, t, false, "scan")));
        List<InventoryEntry> entries = inventory.byHash(sha);
        assertThat(entries).hasSize(2);
        InventoryEntry a = entries.getFirst();
        assertThat(a.executed()).isTrue();
        assertThat(a.firstSeen()).isEqualTo(t);
        assertThat(a.lastSeen()).isEqualTo(t.plusSeconds(120));
        assertThat(a.lastExecuted()).isEqualTo(t);
        assertThat(a.size()).isEqualTo(10);
        assertThat(inventory.byName("x")).hasSize(3);
        assertThat(inventory.agents()).containsExactly("a", "b");
        // A later sighting without MD5/SHA-1 keeps the ones an earlier one brought.
        assertThat(a.md5()).isEqualTo("aa".repeat(16));
        assertThat(inventory.byMd5("aa".repeat(16))).singleElement().satisfies(e -> assertThat(e.agentId()).isEqualTo("a"));
        assertThat(inventory.bySha1("BB".repeat(20))).singleElement().satisfies(e -> assertThat(e.path()).isEqualTo("/opt/x"));
        assertThat(inventory.byMd5("cc".repeat(16))).isEmpty();
    }

    /** An endpoint running the same programs all day writes a sighting a minute, and the entries stay right. */
    @Test
    void repeatedSightingsFromEventsAreWrittenOnceAMinuteAndTheEntriesStayRight() {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:inventory-coalesce;DB_CLOSE_DELAY=-1");
        FileInventory inventory = new FileInventory(db, InstantSource.system());
        Instant t = Instant.parse("2026-11-27T10:00:00Z");
        String sha = "ab".repeat(32);
        int written = 0;
        for (int first = 0; first < 1_000; first += 50) { // an exec every 0.6 s for 10 minutes, in batches of 50
            List<Event> batch = new java.util.ArrayList<>();
            for (int i = first; i < first + 50; i++) batch.add(exec("a", "/usr/bin/curl", sha, t.plusMillis(600L * i)));
            written += inventory.ingest(batch);
        }
        assertThat(written).as("sightings written for 1,000 executions over 10 minutes").isBetween(10, 12);
        InventoryEntry curl = inventory.byPath("a", "/usr/bin/curl").getFirst();
        assertThat(curl.firstSeen()).isEqualTo(t);
        assertThat(curl.lastSeen()).isBetween(t.plusMillis(600L * 999).minusSeconds(60), t.plusMillis(600L * 999));
        assertThat(curl.executed()).isTrue();

        // What changes an entry is written at once: a new version, an earlier sighting, another endpoint, hashes.
        Instant later = t.plusSeconds(601);
        assertThat(inventory.ingest(List.of(exec("a", "/usr/bin/curl", "cd".repeat(32), later)))).isEqualTo(1);
        assertThat(inventory.ingest(List.of(exec("a", "/usr/bin/curl", sha, t.minusSeconds(5))))).isEqualTo(1);
        assertThat(inventory.ingest(List.of(exec("b", "/usr/bin/curl", sha, later)))).isEqualTo(1);
        assertThat(inventory.byPath("a", "/usr/bin/curl")).extracting(InventoryEntry::sha256).containsExactlyInAnyOrder(sha, "cd".repeat(32));
        assertThat(inventory.byPath("a", "/usr/bin/curl")).filteredOn(e -> e.sha256().equals(sha)).singleElement()
                .satisfies(e -> assertThat(e.firstSeen()).isEqualTo(t.minusSeconds(5)));
        // A scan's record (size, source "scan") is never skipped, and a later exec sighting is written again.
        inventory.record(List.of(new InventoryRecord("a", "h", "/usr/bin/curl", sha, 4321, later, false, "scan")));
        assertThat(inventory.ingest(List.of(exec("a", "/usr/bin/curl", sha, later.plusSeconds(1))))).isEqualTo(1);
        assertThat(inventory.byPath("a", "/usr/bin/curl")).filteredOn(e -> e.sha256().equals(sha)).singleElement()
                .satisfies(e -> assertThat(e.size()).isEqualTo(4321));

        // Another inventory over the same database (a restarted server) knows nothing yet and writes once.
        FileInventory restarted = new FileInventory(db, InstantSource.system());
        assertThat(restarted.ingest(List.of(exec("a", "/usr/bin/curl", sha, later.plusSeconds(2)),
                exec("a", "/usr/bin/curl", sha, later.plusSeconds(3))))).isEqualTo(1);
    }

    private static Event exec(String agent, String executable, String sha256, Instant at) {
        ProcessInfo process = new ProcessInfo("e-" + at.toEpochMilli(), 100, at, null, executable, List.of(executable), "/",
                sha256, null, -1, null, null);
        return new Event(agent, 1, at, "h", List.of(), new ProcessStart(process, false));
    }
}
