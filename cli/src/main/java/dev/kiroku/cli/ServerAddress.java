package dev.kiroku.cli;

import picocli.CommandLine.Option;

/** The --server option shared by commands that talk to a running server. */
final class ServerAddress {
    static final String DEFAULT = "https://127.0.0.1:7750";

    @Option(names = "--server", paramLabel = "URL", description = "the Kiroku server (default: $KIROKU_SERVER or " + DEFAULT + ")")
    String url;

    String url() {
        if (url != null) return stripSlash(url);
        String env = System.getenv("KIROKU_SERVER");
        return stripSlash(env != null && !env.isBlank() ? env : DEFAULT);
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
