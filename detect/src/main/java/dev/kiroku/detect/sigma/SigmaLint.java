package dev.kiroku.detect.sigma;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks rule files: one line per file (JSON objects or text), then a summary. The CLI wraps this. */
public final class SigmaLint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SigmaLint() {
    }

    /** Returns 0 if every file loaded, 1 otherwise. */
    public static int run(List<Path> paths, boolean json, PrintStream out) {
        return run(paths, LoadOptions.defaults(), json, out);
    }

    public static int run(List<Path> paths, LoadOptions options, boolean json, PrintStream out) {
        LoadReport report = SigmaLoader.load(paths, options).report();
        for (LoadReport.FileReport f : report.files()) {
            String status = f.status() == LoadReport.Status.LOADED ? "loaded" : "refused";
            if (json) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("file", f.file());
                line.put("status", status);
                line.put("reason", f.reason());
                if (!f.warnings().isEmpty()) line.put("warnings", f.warnings());
                out.println(write(line));
            } else {
                out.println(f.file() + ": " + status + (f.reason() == null ? "" : ": " + f.reason()));
                for (String w : f.warnings()) out.println("  warning: " + w);
            }
        }
        long loaded = report.loadedFiles();
        long refused = report.refusedFiles();
        if (json) {
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("loaded", loaded);
            counts.put("refused", refused);
            out.println(write(Map.of("summary", counts)));
        } else {
            out.println("loaded " + loaded + ", refused " + refused);
        }
        return refused == 0 ? 0 : 1;
    }

    static String write(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
