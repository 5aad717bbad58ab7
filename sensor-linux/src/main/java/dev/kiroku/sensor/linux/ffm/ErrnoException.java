package dev.kiroku.sensor.linux.ffm;

import java.io.IOException;

/**
 * A libc call returned -1; carries the call name and the {@code errno} captured right after the call.
 * Stack traces are not filled in: expected errors (EAGAIN, EINTR, ENOBUFS) occur on hot paths.
 */
public final class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    public ErrnoException(String call, int errno) {
        super(call + " failed: " + Errno.name(errno) + " (errno " + errno + ")", null);
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
