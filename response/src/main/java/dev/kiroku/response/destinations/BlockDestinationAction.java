package dev.kiroku.response.destinations;

import dev.kiroku.response.ActionParameters;
import dev.kiroku.response.ActionResult;
import dev.kiroku.response.ResponseAction;

import java.util.List;
import java.util.Map;

/**
 * {@code block_destination} / {@code unblock_destination}: parameter {@code targets}, addresses,
 * CIDR networks and domain names, comma-separated; one result per target.
 */
public final class BlockDestinationAction implements ResponseAction {
    private final DestinationBlocker blocker;
    private final boolean block;

    public BlockDestinationAction(DestinationBlocker blocker, boolean block) {
        this.blocker = blocker;
        this.block = block;
    }

    @Override
    public String name() {
        return block ? DestinationBlocker.BLOCK : DestinationBlocker.UNBLOCK;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(new ParameterSpec("targets", true, "IP addresses, CIDR networks and domains, comma-separated"));
    }

    @Override
    public List<ActionResult> run(Map<String, String> parameters) {
        List<String> targets;
        try {
            targets = new ActionParameters(name(), parameters).list("targets", true);
        } catch (IllegalArgumentException e) {
            return List.of(ActionResult.failed(name(), "(none)", e.getMessage()));
        }
        return block ? blocker.block(targets) : blocker.unblock(targets);
    }
}
