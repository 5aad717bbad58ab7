package dev.kiroku.agent.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Opens the channels the journal writes through (segments and the cursor file). Injectable so that
 * a full disk can be simulated; production uses {@link #system()}.
 */
@FunctionalInterface
public interface ChannelOpener {
    FileChannel open(Path path, OpenOption... options) throws IOException;

    static ChannelOpener system() {
        return FileChannel::open;
    }
}
