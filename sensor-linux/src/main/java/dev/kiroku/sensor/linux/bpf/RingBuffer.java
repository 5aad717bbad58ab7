package dev.kiroku.sensor.linux.bpf;

import dev.kiroku.sensor.linux.ffm.ErrnoException;
import dev.kiroku.sensor.linux.ffm.Libc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A BPF ring buffer map read from Java through its mappings, as libbpf's {@code ringbuf.c} reads it but without a
 * call into C per record: the consumer position's page (read-write), then the producer position's page followed by
 * the data area, which the kernel maps twice in a row so that a record that wraps around is contiguous. Each record
 * is an 8-byte header ({@code u32 length} with a busy and a discard bit, {@code u32} page offset) and its data,
 * rounded up to 8 bytes. One consumer at a time (the caller serialises).
 */
final class RingBuffer implements AutoCloseable {
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;
    private static final int HEADER = 8;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final long PAGE = 4096;

    /** Receives one record: {@code length} bytes at {@code offset} of {@code data}, valid only during the call. */
    interface Handler {
        void record(MemorySegment data, long offset, int length);
    }

    private final int mapFd;
    private final MemorySegment consumerPage;
    private final MemorySegment producerAndData;
    private final MemorySegment data;
    private final long mask;

    /** @param dataBytes the map's {@code max_entries}: a power of two, a multiple of the page size */
    RingBuffer(int mapFd, long dataBytes) throws ErrnoException {
        this.mapFd = mapFd;
        this.mask = dataBytes - 1;
        this.consumerPage = Libc.mmapShared(mapFd, PAGE, Libc.PROT_READ | Libc.PROT_WRITE, 0);
        try {
            this.producerAndData = Libc.mmapShared(mapFd, PAGE + 2 * dataBytes, Libc.PROT_READ, PAGE);
        } catch (ErrnoException e) {
            Libc.munmap(consumerPage);
            throw e;
        }
        this.data = producerAndData.asSlice(PAGE);
    }

    /** The map's descriptor: poll(2) on it says when the kernel woke readers. */
    int fd() {
        return mapFd;
    }

    /** Hands every committed record to {@code handler}, releasing each one's space after it; returns how many. */
    int consume(Handler handler) {
        long consumer = (long) LONG.getAcquire(consumerPage, 0L);
        int records = 0;
        boolean more = true;
        while (more) {
            more = false;
            long producer = (long) LONG.getAcquire(producerAndData, 0L);
            while (consumer < producer) {
                long at = consumer & mask;
                int header = (int) INT.getAcquire(data, at);
                if ((header & BUSY) != 0) return records; // reserved, not yet committed: the rest is later
                int length = header & ~(BUSY | DISCARD);
                if ((header & DISCARD) == 0) {
                    handler.record(data, at + HEADER, length);
                    records++;
                }
                consumer += (length + HEADER + 7) & ~7L;
                LONG.setRelease(consumerPage, 0L, consumer);
                more = true;
            }
        }
        return records;
    }

    @Override
    public void close() {
        Libc.munmap(producerAndData);
        Libc.munmap(consumerPage);
    }
}
