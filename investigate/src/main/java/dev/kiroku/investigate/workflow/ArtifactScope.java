package dev.kiroku.investigate.workflow;

import java.util.List;

/**
 * Step 3 for one artifact: every endpoint that has it.
 *
 * @param sha256 null when only the name is known
 */
public record ArtifactScope(String name, String path, String sha256, List<Presence> endpoints) {
    public ArtifactScope {
        endpoints = List.copyOf(endpoints);
    }
}
