package dev.kiroku.response.quarantine;

import dev.kiroku.response.ActionResult;
import dev.kiroku.response.KernelAssumptions;
import dev.kiroku.response.Outcome;
import dev.kiroku.response.Sha256;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Real files with real owners and modes, quarantined and restored on this machine's filesystem. */
class QuarantineStoreTest {
    @TempDir
    Path dir;
    QuarantineStore store;

    @BeforeEach
    void store() throws Exception {
        KernelAssumptions.assumeRoot();
        store = new QuarantineStore(dir.resolve("store"));
    }

    @Test
    void roundTripsByteForByteWithOwnerModeAndMtime() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 12; i++) {
            byte[] content = new byte[i == 0 ? 0 : random.nextInt(300_000)];
            random.nextBytes(content);
            Path file = dir.resolve("sample " + i + ",x.bin");
            Files.write(file, content);
            int uid = 1000 + random.nextInt(5000);
            int gid = 1000 + random.nextInt(5000);
            int mode = (i % 3 == 0 ? 04755 : i % 3 == 1 ? 0640 : 02711);
            Files.setAttribute(file, "unix:uid", uid);
            Files.setAttribute(file, "unix:gid", gid);
            Files.setAttribute(file, "unix:mode", mode);
            Instant mtime = Instant.parse("2024-03-0" + (1 + i % 9) + "T10:15:30.123456789Z");
            Files.setLastModifiedTime(file, FileTime.from(mtime));

            ActionResult q = QuarantineAction.quarantine(store).run(Map.of("paths", file.toString())).getFirst();
            assertThat(q.outcome()).as(q.detail()).isEqualTo(Outcome.DONE);
            assertThat(Files.exists(file)).isFalse();
            String id = (String) q.data().get("id");
            Path blob = dir.resolve("store").resolve(id + ".blob");
            assertThat((int) Files.getAttribute(blob, "unix:mode") & 07777).isZero();
            if (content.length > 64) {
                assertThat(Files.readAllBytes(blob)).as("stored encrypted").isNotEqualTo(content);
            }
            assertThat(q.data().get("sha256")).isEqualTo(Sha256.hex(Sha256.digest().digest(content)));
            assertThat(QuarantineAction.quarantine(store).run(Map.of("paths", file.toString())).getFirst().outcome())
                    .as("already quarantined").isEqualTo(Outcome.ALREADY);

            ActionResult r = QuarantineAction.restore(store).run(Map.of("ids", id)).getFirst();
            assertThat(r.outcome()).as(r.detail()).isEqualTo(Outcome.DONE);
            assertThat(Files.readAllBytes(file)).isEqualTo(content);
            Map<String, Object> attrs = Files.readAttributes(file, "unix:*", LinkOption.NOFOLLOW_LINKS);
            assertThat(attrs.get("uid")).isEqualTo(uid);
            assertThat(attrs.get("gid")).isEqualTo(gid);
            assertThat((int) attrs.get("mode") & 07777).isEqualTo(mode);
            assertThat(Files.getLastModifiedTime(file).toInstant()).isEqualTo(mtime);
            assertThat(store.restore(id).outcome()).isEqualTo(Outcome.ALREADY);
        }
        assertThat(store.list()).isEmpty();
    }

    @Test
    void goneFilesAndOccupiedPlacesAreReportedPerItem() throws Exception {
        Path a = dir.resolve("a");
        Files.writeString(a, "first");
        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, a);
        List<ActionResult> results = QuarantineAction.quarantine(store)
                .run(Map.of("paths", dir.resolve("missing") + "\nrelative/path\n" + link + "\n" + a + "\n" + dir));
        assertThat(results).extracting(ActionResult::outcome)
                .containsExactly(Outcome.FAILED, Outcome.FAILED, Outcome.FAILED, Outcome.DONE, Outcome.FAILED);
        assertThat(results.get(0).detail()).contains("no such file");
        assertThat(results.get(1).detail()).contains("absolute");
        assertThat(results.get(2).detail()).contains("symbolic link");
        assertThat(results.get(4).detail()).contains("not a regular file");

        Files.writeString(a, "someone put a new file here");
        String id = (String) results.get(3).data().get("id");
        ActionResult blocked = store.restore(id);
        assertThat(blocked.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(blocked.detail()).contains("already exists");
        assertThat(Files.readString(a)).isEqualTo("someone put a new file here");
        assertThat(store.restore("not-an-id").detail()).contains("not a quarantine id");
        assertThat(store.restore("00000000-0000-0000-0000-000000000000").detail()).contains("no quarantined file");
    }

    @Test
    void aRunningExecutableIsQuarantinedAndItsPidsReported() throws Exception {
        Path exe = dir.resolve("sleeper");
        Files.copy(Path.of("/bin/sleep"), exe);
        Process p = new ProcessBuilder(exe.toString(), "300").start();
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/exe")).equals(exe));
            ActionResult q = store.quarantine(exe);
            assertThat(q.outcome()).as(q.detail()).isEqualTo(Outcome.DONE);
            assertThat(q.data().get("running_pids")).isEqualTo(List.of(p.pid()));
            assertThat(q.detail()).contains("still executing");
            assertThat(Files.exists(exe)).isFalse();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void collectsWithHashAndRefusesOversizedFiles() throws Exception {
        Path f = dir.resolve("evidence.log");
        byte[] content = new byte[4096];
        new Random(3).nextBytes(content);
        Files.write(f, content);
        ActionResult ok = QuarantineAction.collect(new FileCollector(4096)).run(Map.of("paths", f.toString())).getFirst();
        assertThat(ok.outcome()).isEqualTo(Outcome.DONE);
        assertThat(Base64.getDecoder().decode((String) ok.data().get("content_base64"))).isEqualTo(content);
        assertThat(ok.data().get("sha256")).isEqualTo(Sha256.hex(Sha256.digest().digest(content)));
        ActionResult big = new FileCollector(4095).collect(f);
        assertThat(big.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(big.detail()).contains("4096 bytes exceeds the collection limit of 4095");
        assertThat(new FileCollector(10).collect(dir.resolve("nope")).detail()).contains("no such file");
    }
}
