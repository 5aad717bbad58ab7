package dev.kiroku.yara.ffm;

/** libyara cannot be loaded or initialised on this machine; the message says which package to install. */
public final class YaraUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public YaraUnavailableException(String message) {
        super(message);
    }
}
