package dev.kiroku.yara.ffm;

/** libyara's {@code ERROR_*} codes ({@code yara/error.h}) that Kiroku reacts to or reports by name. */
public final class YaraError {
    public static final int SUCCESS = 0;
    public static final int INSUFFICIENT_MEMORY = 1;
    public static final int COULD_NOT_OPEN_FILE = 3;
    public static final int COULD_NOT_MAP_FILE = 4;
    public static final int SCAN_TIMEOUT = 26;
    public static final int TOO_MANY_SCAN_THREADS = 27;
    public static final int CALLBACK_ERROR = 28;
    public static final int TOO_MANY_MATCHES = 30;
    public static final int UNKNOWN_MODULE = 34;
    public static final int COULD_NOT_READ_PROCESS_MEMORY = 47;
    public static final int COULD_NOT_READ_FILE = 55;

    private YaraError() {
    }

    /** A short human name for an error code, e.g. {@code "scan timeout (26)"}. */
    public static String describe(int code) {
        String name = switch (code) {
            case SUCCESS -> "success";
            case INSUFFICIENT_MEMORY -> "insufficient memory";
            case COULD_NOT_OPEN_FILE -> "could not open file";
            case COULD_NOT_MAP_FILE -> "could not map file";
            case SCAN_TIMEOUT -> "scan timeout";
            case TOO_MANY_SCAN_THREADS -> "too many scan threads";
            case CALLBACK_ERROR -> "callback error";
            case TOO_MANY_MATCHES -> "too many matches";
            case UNKNOWN_MODULE -> "unknown module";
            case COULD_NOT_READ_PROCESS_MEMORY -> "could not read process memory";
            case COULD_NOT_READ_FILE -> "could not read file";
            default -> "libyara error";
        };
        return name + " (" + code + ")";
    }
}
