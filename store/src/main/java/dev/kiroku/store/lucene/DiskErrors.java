package dev.kiroku.store.lucene;

import java.nio.file.FileSystemException;

/** Recognises a full disk in an exception chain. */
final class DiskErrors {
    private DiskErrors() {
    }

    static boolean isDiskFull(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String message = c instanceof FileSystemException fs ? fs.getReason() + " " + fs.getMessage() : c.getMessage();
            if (message != null && (message.contains("No space left on device") || message.contains("ENOSPC")
                    || message.contains("Disk quota exceeded"))) {
                return true;
            }
            for (Throwable s : c.getSuppressed()) if (isDiskFull(s)) return true;
        }
        return false;
    }
}
