package dev.kiroku.response.nft;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code nft} command. A script goes to {@code nft -f -} on stdin, which nftables applies
 * as one transaction: either every statement takes effect or none does.
 *
 * <p>The command prefix (empty in production) lets tests and the benchmark run nft inside a
 * network namespace they created ({@code ip netns exec NS}), so they never touch the host's
 * ruleset.
 */
public final class Nft {
    private static final long TIMEOUT_SECONDS = 20;

    private final List<String> prefix;
    private final Path binary;

    /**
     * @param prefix words put before the nft binary, e.g. {@code ip netns exec kiroku-x}; may be empty
     * @param binary the nft executable; {@link #locate()} finds the installed one
     */
    public Nft(List<String> prefix, Path binary) {
        this.prefix = List.copyOf(prefix);
        this.binary = binary;
    }

    /** nft from the usual sbin directories, with no prefix. */
    public static Nft system() {
        return new Nft(List.of(), locate());
    }

    /** nft run inside the named network namespace. */
    public static Nft inNamespace(String namespace) {
        return new Nft(List.of("ip", "netns", "exec", namespace), locate());
    }

    /** The first executable nft in the standard locations, or {@code /usr/sbin/nft} (maybe missing). */
    public static Path locate() {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin")) {
            Path p = Path.of(dir, "nft");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return Path.of("/usr/sbin/nft");
    }

    /** Whether the nft binary exists and is executable. */
    public boolean available() {
        return Files.isExecutable(binary);
    }

    /** Applies a script atomically. */
    public void apply(String script) throws NftException {
        run(List.of("-f", "-"), script);
    }

    /** Runs one nft command, e.g. {@code list table inet x}; returns stdout. */
    public String command(String... words) throws NftException {
        return run(List.of(words), null);
    }

    /** Whether a table exists (nft exits non-zero with "No such file or directory" otherwise). */
    public boolean tableExists(String family, String table) throws NftException {
        try {
            command("list", "table", family, table);
            return true;
        } catch (NftException e) {
            if (e.missingObject()) {
                return false;
            }
            throw e;
        }
    }

    private String run(List<String> arguments, String stdin) throws NftException {
        if (!available()) {
            throw new NftException("nftables is not installed: no executable " + binary
                    + " (install the Debian package 'nftables')", false, true);
        }
        List<String> command = new ArrayList<>(prefix);
        command.add(binary.toString());
        command.addAll(arguments);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new NftException("cannot start " + String.join(" ", command) + ": " + e.getMessage(), false, false);
        }
        try {
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            byte[][] streams = readBoth(process);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new NftException("nft did not finish within " + TIMEOUT_SECONDS + " s", false, false);
            }
            String err = new String(streams[1], StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                boolean missing = err.contains("No such file or directory");
                throw new NftException("nft " + String.join(" ", arguments) + " failed (exit " + process.exitValue() + "): "
                        + (err.isEmpty() ? "no message" : err), missing, false);
            }
            return new String(streams[0], StandardCharsets.UTF_8);
        } catch (IOException e) {
            process.destroyForcibly();
            throw new NftException("talking to nft failed: " + e.getMessage(), false, false);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new NftException("interrupted while nft ran", false, false);
        }
    }

    private static byte[][] readBoth(Process process) throws IOException {
        InputStream errStream = process.getErrorStream();
        byte[][] err = new byte[1][];
        Thread errReader = Thread.ofVirtual().start(() -> {
            try {
                err[0] = errStream.readAllBytes();
            } catch (IOException e) {
                err[0] = ("(stderr unreadable: " + e.getMessage() + ")").getBytes(StandardCharsets.UTF_8);
            }
        });
        byte[] out = process.getInputStream().readAllBytes();
        try {
            errReader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new byte[][] {out, err[0] == null ? new byte[0] : err[0]};
    }

    @Override
    public String toString() {
        return (prefix.isEmpty() ? "" : String.join(" ", prefix) + " ") + binary;
    }
}
