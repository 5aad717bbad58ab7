package dev.kiroku.response.kill;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The three fields of {@code /proc/PID/stat} a kill needs: state, parent and start time (clock
 * ticks after boot, field 22: with the pid it identifies a process across pid reuse).
 */
record ProcStat(int pid, char state, int ppid, long startTicks) {

    boolean gone() {
        return state == 'Z' || state == 'X' || state == 'x';
    }

    boolean stopped() {
        return state == 'T' || state == 't';
    }

    static Optional<ProcStat> read(Path proc, int pid) {
        String text;
        try {
            text = Files.readString(proc.resolve(Integer.toString(pid)).resolve("stat"));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
        int close = text.lastIndexOf(')');
        if (close < 0) {
            return Optional.empty();
        }
        String[] f = text.substring(close + 2).trim().split(" ");
        if (f.length < 20) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ProcStat(pid, f[0].charAt(0), Integer.parseInt(f[1]), Long.parseLong(f[19])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Every process now, in no particular order; processes that vanish while listing are skipped. */
    static List<ProcStat> all(Path proc) {
        List<ProcStat> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc)) {
            for (Path e : entries) {
                String name = e.getFileName().toString();
                if (!name.isEmpty() && name.length() < 11 && name.chars().allMatch(Character::isDigit)) {
                    read(proc, Integer.parseInt(name)).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
