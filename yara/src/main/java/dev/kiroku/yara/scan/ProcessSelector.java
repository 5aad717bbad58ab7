package dev.kiroku.yara.scan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds the processes whose name ({@code /proc/PID/comm}) matches one of a sweep's globs ({@code *} any run of
 * characters, {@code ?} one). The scanning process itself is never selected: its memory holds the rules.
 */
final class ProcessSelector {
    private final List<Pattern> patterns;
    private final Path proc;

    ProcessSelector(List<String> globs, Path proc) {
        this.patterns = globs.stream().map(ProcessSelector::compile).toList();
        this.proc = proc;
    }

    /** Process ids in ascending order; processes that end while being listed are left out. */
    List<Long> select() {
        if (patterns.isEmpty()) return List.of();
        long self = ProcessHandle.current().pid();
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path entry : entries) {
                long pid = Long.parseLong(entry.getFileName().toString());
                if (pid == self) continue;
                String name = name(entry);
                if (name != null && patterns.stream().anyMatch(p -> p.matcher(name).matches())) pids.add(pid);
            }
        } catch (IOException e) {
            return List.of();
        }
        pids.sort(null);
        return pids;
    }

    private static String name(Path processDirectory) {
        try {
            return Files.readString(processDirectory.resolve("comm"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return null;
        }
    }

    static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
