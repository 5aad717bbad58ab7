package dev.kiroku.sensor.linux.procfs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The mount table from {@code mountinfo} (see proc(5)). */
public final class Mounts {

    private final List<Mount> mounts;

    private Mounts(List<Mount> mounts) {
        this.mounts = List.copyOf(mounts);
    }

    /** Reads {@code <procRoot>/self/mountinfo}. */
    public static Mounts ofSelf(Path procRoot) throws IOException {
        return read(procRoot.resolve("self/mountinfo"));
    }

    /** Reads {@code /proc/self/mountinfo}. */
    public static Mounts ofSelf() throws IOException {
        return ofSelf(Path.of("/proc"));
    }

    public static Mounts read(Path mountinfo) throws IOException {
        return parse(Files.readString(mountinfo, StandardCharsets.UTF_8));
    }

    /** Parses mountinfo text; lines that do not have the expected fields are skipped. */
    public static Mounts parse(String text) {
        List<Mount> result = new ArrayList<>();
        for (String line : text.split("\n")) {
            parseLine(line).ifPresent(result::add);
        }
        return new Mounts(result);
    }

    static Optional<Mount> parseLine(String line) {
        // 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
        String[] f = line.trim().split(" ");
        int dash = Arrays.asList(f).indexOf("-");
        if (f.length < 7 || dash < 6 || f.length < dash + 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Mount(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2],
                    unescape(f[3]), unescape(f[4]), List.of(f[5].split(",")), f[dash + 1],
                    unescape(f[dash + 2]),
                    f.length > dash + 3 ? List.of(f[dash + 3].split(",")) : List.of()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Decodes the kernel's {@code \ooo} octal escapes (space, tab, newline, backslash). */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(field.length());
        byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\\' && i + 3 < bytes.length && isOctal(bytes[i + 1])
                    && isOctal(bytes[i + 2]) && isOctal(bytes[i + 3])) {
                out.write(((bytes[i + 1] - '0') << 6) | ((bytes[i + 2] - '0') << 3) | (bytes[i + 3] - '0'));
                i += 3;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isOctal(byte b) {
        return b >= '0' && b <= '7';
    }

    public List<Mount> all() {
        return mounts;
    }

    /** The mount whose mount point is the longest prefix of {@code absolutePath}. */
    public Optional<Mount> containing(String absolutePath) {
        Mount best = null;
        for (Mount m : mounts) {
            String mp = m.mountPoint();
            boolean prefix = mp.equals("/") || absolutePath.equals(mp) || absolutePath.startsWith(mp + "/");
            if (prefix && (best == null || mp.length() >= best.mountPoint().length())) {
                best = m; // later lines over-mount earlier ones at the same point
            }
        }
        return Optional.ofNullable(best);
    }
}
