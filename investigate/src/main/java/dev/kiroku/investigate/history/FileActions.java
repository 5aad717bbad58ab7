package dev.kiroku.investigate.history;

import dev.kiroku.event.FileChange;

/** File change actions by their ECS {@code event.action} names, as the store and the API show them. */
public final class FileActions {
    private FileActions() {
    }

    public static String ecs(FileChange.Action action) {
        return switch (action) {
            case CREATE -> "creation";
            case MODIFY -> "modification";
            case DELETE -> "deletion";
            case RENAME -> "rename";
            case ATTRIBUTES -> "attributes_modification";
        };
    }
}
