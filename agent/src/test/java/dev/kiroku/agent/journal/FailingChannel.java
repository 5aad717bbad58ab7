package dev.kiroku.agent.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file channel whose writes fail like a full disk while {@code full} is set: the first write
 * call lands a few bytes (a partial write), the following ones throw "No space left on device".
 * A slow device is simulated by a {@code beforeForce} that waits.
 */
final class FailingChannel extends FileChannel {
    private final FileChannel delegate;
    private final AtomicBoolean full;
    /** Runs before every force: a test can hold a sync there. */
    private final Runnable beforeForce;
    private boolean partialDone;

    FailingChannel(FileChannel delegate, AtomicBoolean full) {
        this(delegate, full, () -> {
        });
    }

    FailingChannel(FileChannel delegate, AtomicBoolean full, Runnable beforeForce) {
        this.delegate = delegate;
        this.full = full;
        this.beforeForce = beforeForce;
    }

    private void check(ByteBuffer src, long position) throws IOException {
        if (!full.get()) return;
        if (!partialDone && src.remaining() > 8) {
            partialDone = true;
            ByteBuffer part = src.slice(src.position(), 7);
            delegate.write(part, position);
        }
        throw new IOException("No space left on device");
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        check(src, position);
        return delegate.write(src, position);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        check(src, delegate.position());
        return delegate.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (full.get()) throw new IOException("No space left on device");
        return delegate.write(srcs, offset, length);
    }

    @Override
    public void force(boolean metaData) throws IOException {
        beforeForce.run();
        if (full.get()) throw new IOException("No space left on device");
        delegate.force(metaData);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return delegate.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return delegate.read(dsts, offset, length);
    }

    @Override
    public long position() throws IOException {
        return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        delegate.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        delegate.truncate(size);
        return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        if (full.get()) throw new IOException("No space left on device");
        return delegate.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return delegate.read(dst, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return delegate.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return delegate.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        delegate.close();
    }
}
