package dev.kiroku.sensor.linux.audit;

import dev.kiroku.sensor.linux.ffm.Errno;

import java.io.IOException;

/** The kernel refused an audit control request; {@link #errno()} says why (e.g. EEXIST for a second daemon). */
public final class AuditControlException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public AuditControlException(String request, int errno) {
        super(request + " refused by the kernel: " + Errno.name(errno) + " (errno " + errno + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
