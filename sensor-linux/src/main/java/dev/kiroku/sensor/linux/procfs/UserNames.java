package dev.kiroku.sensor.linux.procfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * uid → user name from a passwd file (default {@code /etc/passwd}). The file is parsed once and
 * parsed again when its modification time, size or inode changed; the check runs at most once
 * per {@code recheck} interval. Users known only to NSS backends (LDAP, sssd) are not found.
 * Thread-safe.
 */
public final class UserNames {

    private final Path passwd;
    private final InstantSource clock;
    private final Duration recheck;

    private Map<Integer, String> names = Map.of();
    private Object version;
    private boolean checked;
    private long nextCheckMillis;

    public UserNames() {
        this(Path.of("/etc/passwd"), InstantSource.system(), Duration.ofSeconds(5));
    }

    public UserNames(Path passwd, InstantSource clock, Duration recheck) {
        this.passwd = passwd;
        this.clock = clock;
        this.recheck = recheck;
    }

    public synchronized Optional<String> name(int uid) {
        refreshIfChanged();
        return Optional.ofNullable(names.get(uid));
    }

    private void refreshIfChanged() {
        long now = clock.millis(); // every exec asks: milliseconds, not an Instant per call
        if (checked && now < nextCheckMillis) {
            return;
        }
        checked = true;
        nextCheckMillis = now + recheck.toMillis();
        Object current;
        try {
            BasicFileAttributes attrs = Files.readAttributes(passwd, BasicFileAttributes.class);
            current = java.util.List.of(attrs.lastModifiedTime(), attrs.size(),
                    String.valueOf(attrs.fileKey()));
        } catch (IOException e) {
            return; // keep what we had
        }
        if (current.equals(version)) {
            return;
        }
        try {
            names = parse(Files.readString(passwd, StandardCharsets.UTF_8));
            version = current;
        } catch (IOException e) {
            // keep the previous table; try again at the next check
        }
    }

    /** name:password:uid:gid:gecos:home:shell; malformed lines are skipped, the first name for a uid wins. */
    static Map<Integer, String> parse(String text) {
        Map<Integer, String> result = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(":", -1);
            if (f.length < 3 || f[0].isEmpty()) {
                continue;
            }
            try {
                result.putIfAbsent(Integer.parseInt(f[2].trim()), f[0]);
            } catch (NumberFormatException ignored) {
                // skip
            }
        }
        return Map.copyOf(result);
    }
}
