package dev.kiroku.sensor.linux.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The machine-wide lock that serialises Kiroku's users of the kernel audit subsystem (tests, agents
 * under test). Only one process can be the audit daemon, and rules and settings are global, so
 * anything that starts an {@link AuditSource} in daemon mode or changes audit settings should hold
 * it: {@code try (AuditLock lock = AuditLock.acquire(Duration.ofMinutes(5))) { … }}.
 *
 * <p>The lock is an exclusive {@code fcntl} lock on {@value #DEFAULT_PATH} (released by the kernel
 * when the process dies, so a killed test never leaves it held), plus an in-process semaphore
 * because {@code fcntl} locks do not exclude threads of the same process.
 */
public final class AuditLock implements AutoCloseable {

    public static final String DEFAULT_PATH = "/tmp/kiroku-audit.lock";

    private static final Semaphore IN_PROCESS = new Semaphore(1, true);

    private final FileChannel channel;
    private final FileLock lock;
    private boolean released;

    private AuditLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static AuditLock acquire(Duration timeout) throws IOException, InterruptedException {
        return acquire(Path.of(DEFAULT_PATH), timeout);
    }

    /** Waits up to {@code timeout} for the lock; throws {@link IOException} if it stays held. */
    public static AuditLock acquire(Path path, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!IN_PROCESS.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new IOException("audit lock " + path + " held by this process for longer than " + timeout);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            while (true) {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return new AuditLock(channel, lock);
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("audit lock " + path + " held by another process for longer than " + timeout);
                }
                Thread.sleep(50);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            IN_PROCESS.release();
            throw e;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (released) {
            return;
        }
        released = true;
        try {
            lock.release();
            channel.close();
        } finally {
            IN_PROCESS.release();
        }
    }
}
