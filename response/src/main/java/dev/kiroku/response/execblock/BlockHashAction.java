package dev.kiroku.response.execblock;

import dev.kiroku.response.ActionParameters;
import dev.kiroku.response.ActionResult;
import dev.kiroku.response.ResponseAction;

import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code block_hash} ({@code hashes}, optional {@code reason}, {@code expires_at} ISO-8601, and
 * {@code files}: paths holding the hash, one per line, which get an open guard against
 * interpreters) and {@code unblock_hash} ({@code hashes}). One result per hash; a malformed hash
 * fails alone.
 */
public final class BlockHashAction implements ResponseAction {
    private final java.util.function.Supplier<ExecBlocker> blocker;
    private final boolean block;

    public BlockHashAction(ExecBlocker blocker, boolean block) {
        this(() -> blocker, block);
    }

    /** With a blocker started on first use (the agent runs no permission hook until something is blocked). */
    public BlockHashAction(java.util.function.Supplier<ExecBlocker> blocker, boolean block) {
        this.blocker = blocker;
        this.block = block;
    }

    @Override
    public String name() {
        return block ? ExecBlocker.BLOCK : ExecBlocker.UNBLOCK;
    }

    @Override
    public List<ParameterSpec> parameters() {
        if (!block) {
            return List.of(new ParameterSpec("hashes", true, "SHA-256 hashes, comma-separated"));
        }
        return List.of(new ParameterSpec("hashes", true, "SHA-256 hashes, comma-separated"),
                new ParameterSpec("reason", false, "why (kept with the block)"),
                new ParameterSpec("expires_at", false, "ISO-8601 instant when the block ends"),
                new ParameterSpec("files", false, "paths holding the hash, one per line (guarded against interpreters)"));
    }

    @Override
    public List<ActionResult> run(Map<String, String> parameters) {
        ActionParameters p = new ActionParameters(name(), parameters);
        List<String> hashes;
        Instant expires;
        List<Path> files = new ArrayList<>();
        try {
            hashes = p.list("hashes", true);
            expires = p.optional("expires_at").map(v -> {
                try {
                    return Instant.parse(v);
                } catch (DateTimeParseException e) {
                    throw new ActionParameters.InvalidParameter(name() + ": parameter 'expires_at' is not an ISO-8601 instant: '" + v + "'");
                }
            }).orElse(null);
            if (p.optional("files").isPresent()) {
                p.lines("files").forEach(f -> files.add(Path.of(f)));
            }
        } catch (IllegalArgumentException e) {
            return List.of(ActionResult.failed(name(), parameters.getOrDefault("hashes", "(none)"), e.getMessage()));
        }
        String reason = p.optional("reason").orElse("");
        ExecBlocker running;
        try {
            running = blocker.get();
        } catch (RuntimeException e) {
            return hashes.stream().map(h -> ActionResult.failed(name(), h, "exec blocking unavailable: " + e.getMessage())).toList();
        }
        return hashes.stream().map(h -> block ? running.block(h, reason, expires, files) : running.unblock(h)).toList();
    }
}
