package dev.kiroku.sensor.linux.procfs;

import dev.kiroku.sensor.linux.fanotify.FanotifyFileSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MountsTest {

    static final String MOUNTINFO = """
            22 27 0:21 / /proc rw,relatime - proc proc rw
            23 27 0:22 / /sys rw,relatime - sysfs sysfs rw
            25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24683656k
            26 24 0:24 / /dev/pts rw,relatime - devpts devpts rw,mode=600,ptmxmode=000
            27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
            28 27 0:25 / /mnt/sandbox ro,nosuid,nodev,relatime - tmpfs tmpfs ro,size=4k
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            50 27 254:0 /srv/data /mnt/with\\040space rw,relatime shared:1 - ext4 /dev/vda rw
            51 27 0:40 / /var/lib/docker/overlay2/x/merged rw - overlay overlay rw,lowerdir=/a,upperdir=/b
            52 27 0:41 / /mnt/nfs rw - nfs4 server:/export rw
            53 27 0:42 / /mnt/cd ro - iso9660 /dev/sr0 ro
            garbage line
            """;

    @Test
    void parsesFieldsAndOptionalFieldsAndEscapes() {
        Mounts mounts = Mounts.parse(MOUNTINFO);
        assertThat(mounts.all()).hasSize(12);
        Mount bind = mounts.all().stream().filter(m -> m.mountId() == 50).findFirst().orElseThrow();
        assertThat(bind.mountPoint()).isEqualTo("/mnt/with space");
        assertThat(bind.root()).isEqualTo("/srv/data");
        assertThat(bind.fsType()).isEqualTo("ext4");
        assertThat(bind.device()).isEqualTo("254:0");
        assertThat(mounts.all().stream().filter(m -> m.mountId() == 28).findFirst().orElseThrow().readOnly()).isTrue();
        assertThat(mounts.containing("/mnt/with space/file")).hasValueSatisfying(m -> assertThat(m.mountId()).isEqualTo(50));
        assertThat(mounts.containing("/home/x")).hasValueSatisfying(m -> assertThat(m.mountPoint()).isEqualTo("/"));
    }

    @Test
    void fanotifyMarksLocalWritableFilesystemsOncePerDevice() {
        assertThat(FanotifyFileSource.localWritableFilesystems(Mounts.parse(MOUNTINFO)))
                .containsExactly("/dev/shm", "/");
    }
}
