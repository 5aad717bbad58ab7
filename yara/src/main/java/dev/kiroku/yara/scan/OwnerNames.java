package dev.kiroku.yara.scan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code owner} external of scanned files: the owning user's name, looked up once per user id for the life of a
 * scanner (a name lookup reads the user database; a file's user id is one {@code stat}). Empty when the owner cannot
 * be read. Not thread-safe, like the scanner that holds it.
 */
final class OwnerNames {
    private final Map<Integer, String> names = new HashMap<>();

    String of(Path file) {
        try {
            String known = names.get((Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS));
            if (known != null) {
                return known;
            }
            Map<String, Object> owner = Files.readAttributes(file, "unix:uid,owner", LinkOption.NOFOLLOW_LINKS); // one stat
            String name = ((UserPrincipal) owner.get("owner")).getName();
            names.put((Integer) owner.get("uid"), name);
            return name;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "";
        }
    }
}
