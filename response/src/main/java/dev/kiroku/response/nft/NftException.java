package dev.kiroku.response.nft;

/** nft could not be run or refused a command; the message carries nft's own error text. */
public final class NftException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean missingObject;
    private final boolean notInstalled;

    NftException(String message, boolean missingObject, boolean notInstalled) {
        super(message);
        this.missingObject = missingObject;
        this.notInstalled = notInstalled;
    }

    /** The command named a table, chain or set that does not exist. */
    public boolean missingObject() {
        return missingObject;
    }

    /** The nft binary is not installed. */
    public boolean notInstalled() {
        return notInstalled;
    }
}
