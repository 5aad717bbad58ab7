package dev.kiroku.yara.scan;

import dev.kiroku.yara.compile.ExternalVariables;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The external variables for one scanned file: {@code filename} (the name), {@code filepath} (the directory, as
 * THOR defines it), {@code extension} (lower case with the dot, e.g. {@code ".exe"}), {@code filetype} (see
 * {@link FileTypes}) and {@code owner} (the owning user's name).
 */
final class FileExternals {
    private static final int HEAD_BYTES = 512;

    private FileExternals() {
    }

    /** The variables of a file whose content (or its start) is {@code content}. */
    static Map<String, String> of(Path file, MemorySegment content, String owner) {
        int length = (int) Math.min(HEAD_BYTES, content.byteSize());
        byte[] head = new byte[length];
        MemorySegment.copy(content, ValueLayout.JAVA_BYTE, 0, head, 0, length);
        return of(file, head, length, owner);
    }

    /** The variables of a file whose first {@code headLength} bytes are in {@code head}. */
    static Map<String, String> of(Path file, byte[] head, int headLength, String owner) {
        Path absolute = file.toAbsolutePath();
        Path name = absolute.getFileName();
        String fileName = name == null ? "" : name.toString();
        int dot = fileName.lastIndexOf('.');
        String extension = dot > 0 ? fileName.substring(dot).toLowerCase(Locale.ROOT) : "";
        Map<String, String> values = new LinkedHashMap<>();
        values.put(ExternalVariables.FILENAME, fileName);
        values.put(ExternalVariables.FILEPATH, absolute.getParent() == null ? "/" : absolute.getParent().toString());
        values.put(ExternalVariables.EXTENSION, extension);
        values.put(ExternalVariables.FILETYPE, FileTypes.of(head, Math.min(headLength, HEAD_BYTES), extension));
        values.put(ExternalVariables.OWNER, owner);
        return values;
    }

    /** For process memory: every file variable is empty. */
    static Map<String, String> none() {
        Map<String, String> values = new LinkedHashMap<>();
        ExternalVariables.NAMES.forEach(n -> values.put(n, ""));
        return values;
    }
}
