package dev.kiroku.detect.sigma;

import java.util.List;

/** What loading found, file by file. */
public record LoadReport(List<FileReport> files) {
    public LoadReport {
        files = List.copyOf(files);
    }

    public enum Status { LOADED, REFUSED }

    /** A problem at a place: file, 1-based line (0 if unknown), reason. */
    public record Problem(String file, int line, String reason) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + reason;
        }
    }

    /**
     * One file: REFUSED if any of its documents was refused ({@code loaded} still counts the ones that loaded).
     */
    public record FileReport(String file, Status status, int loaded, List<Problem> problems, List<String> warnings) {
        public FileReport {
            problems = List.copyOf(problems);
            warnings = List.copyOf(warnings);
        }

        public String reason() {
            return problems.isEmpty() ? null : String.join("; ", problems.stream().map(p -> "line " + p.line() + ": " + p.reason()).toList());
        }
    }

    public long loadedFiles() {
        return files.stream().filter(f -> f.status() == Status.LOADED).count();
    }

    public long refusedFiles() {
        return files.stream().filter(f -> f.status() == Status.REFUSED).count();
    }

    public List<Problem> problems() {
        return files.stream().flatMap(f -> f.problems().stream()).toList();
    }
}
