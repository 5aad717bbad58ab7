package dev.kiroku.yara.compile;

import java.util.List;

/**
 * The external variables every Kiroku rule set declares (the ones THOR-style rules such as signature-base use),
 * declared empty at compile time and set for each scanned file.
 */
public final class ExternalVariables {
    public static final String FILENAME = "filename";
    public static final String FILEPATH = "filepath";
    public static final String EXTENSION = "extension";
    public static final String FILETYPE = "filetype";
    public static final String OWNER = "owner";
    public static final List<String> NAMES = List.of(FILENAME, FILEPATH, EXTENSION, FILETYPE, OWNER);

    private ExternalVariables() {
    }
}
