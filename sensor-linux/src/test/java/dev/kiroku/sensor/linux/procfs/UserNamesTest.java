package dev.kiroku.sensor.linux.procfs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class UserNamesTest {

    @Test
    void resolvesAndRefreshesWhenThePasswdFileChanges(@TempDir Path dir) throws Exception {
        Path passwd = dir.resolve("passwd");
        Files.writeString(passwd, "root:x:0:0:root:/root:/bin/bash\nbroken line\nalice:x:1000:1000::/home/alice:/bin/sh\n");
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-01-01T00:00:00Z"));
        InstantSource clock = now::get;
        UserNames names = new UserNames(passwd, clock, Duration.ofSeconds(5));
        assertThat(names.name(0)).hasValue("root");
        assertThat(names.name(1000)).hasValue("alice");
        assertThat(names.name(1001)).isEmpty();

        Files.writeString(passwd, "root:x:0:0:root:/root:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/sh\n");
        Files.setLastModifiedTime(passwd, FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
        assertThat(names.name(1001)).as("not re-checked within the interval").isEmpty();
        now.set(now.get().plusSeconds(6));
        assertThat(names.name(1001)).hasValue("bob");
        assertThat(names.name(1000)).isEmpty();
    }

    @Test
    void theLivePasswdHasRoot() {
        assertThat(new UserNames().name(0)).hasValue("root");
    }
}
