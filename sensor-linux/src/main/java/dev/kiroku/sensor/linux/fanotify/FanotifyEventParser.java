package dev.kiroku.sensor.linux.fanotify;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Parses the bytes one {@code read(2)} of a FID-mode fanotify group returned.
 *
 * <pre>
 * fanotify_event_metadata { u32 event_len; u8 vers; u8 reserved; u16 metadata_len;
 *                           u64 mask; s32 fd; s32 pid; }                       24 bytes
 * then info records until event_len:
 *   { u8 info_type; u8 pad; u16 len; u64 fsid;
 *     struct file_handle { u32 handle_bytes; s32 handle_type; u8 f_handle[handle_bytes]; }
 *     [char name[] NUL-terminated, padded, for the *_DFID_NAME types] }
 * </pre>
 *
 * In FID mode {@code event_len} is only 4-byte aligned, so the next event's u64 mask may be
 * misaligned; this parser reads from a heap {@link ByteBuffer}, where alignment does not matter.
 * Input is treated as hostile: a record whose lengths do not fit is skipped and counted, never
 * read past; an event whose header does not fit ends the buffer.
 */
final class FanotifyEventParser {

    static final int METADATA_VERSION = 3;
    private static final int METADATA_MIN = 24;
    private static final int INFO_HEADER = 4;
    private static final int FSID = 8;
    private static final int HANDLE_HEADER = 8;
    /** MAX_HANDLE_SZ in the kernel. */
    private static final int MAX_HANDLE = 128;

    private FanotifyEventParser() {
    }

    /**
     * Calls {@code sink} for each well-formed event in {@code buffer[0, length)} and returns the
     * number of malformed events or info records skipped.
     */
    static int parse(byte[] buffer, int length, Consumer<RawEvent> sink) {
        ByteBuffer in = ByteBuffer.wrap(buffer, 0, Math.min(length, buffer.length)).order(ByteOrder.nativeOrder());
        int limit = in.limit();
        int malformed = 0;
        int offset = 0;
        while (limit - offset >= METADATA_MIN) {
            long eventLen = Integer.toUnsignedLong(in.getInt(offset));
            int version = in.get(offset + 4) & 0xff;
            int metadataLen = in.getShort(offset + 6) & 0xffff;
            if (eventLen < METADATA_MIN || eventLen > limit - offset
                    || metadataLen < METADATA_MIN || metadataLen > eventLen) {
                return malformed + 1; // cannot find the next event: give up on this buffer
            }
            int end = offset + (int) eventLen;
            if (version != METADATA_VERSION) {
                malformed++;
                offset = end;
                continue;
            }
            long mask = in.getLong(offset + 8);
            int pid = in.getInt(offset + 20);
            List<RawEvent.Info> infos = new ArrayList<>(3);
            int at = offset + metadataLen;
            while (end - at >= INFO_HEADER) {
                int type = in.get(at) & 0xff;
                int len = in.getShort(at + 2) & 0xffff;
                if (len < INFO_HEADER || len > end - at) {
                    malformed++;
                    break;
                }
                RawEvent.Info info = info(in, at, len, type);
                if (info == null && isFidType(type)) {
                    malformed++;
                } else if (info != null) {
                    infos.add(info);
                }
                at += len;
            }
            sink.accept(new RawEvent(mask, pid, infos));
            offset = end;
        }
        return malformed;
    }

    private static boolean isFidType(int type) {
        return type == FanotifyCalls.INFO_FID || type == FanotifyCalls.INFO_DFID
                || type == FanotifyCalls.INFO_DFID_NAME || type == FanotifyCalls.INFO_OLD_DFID_NAME
                || type == FanotifyCalls.INFO_NEW_DFID_NAME;
    }

    private static boolean hasName(int type) {
        return type == FanotifyCalls.INFO_DFID_NAME || type == FanotifyCalls.INFO_OLD_DFID_NAME
                || type == FanotifyCalls.INFO_NEW_DFID_NAME;
    }

    /** One FID-type info record, or null when it is of another type or does not fit. */
    private static RawEvent.Info info(ByteBuffer in, int at, int len, int type) {
        if (!isFidType(type)) {
            return null; // pidfd, error, range...: not requested, skipped
        }
        int end = at + len;
        int fsidAt = at + INFO_HEADER;
        int handleAt = fsidAt + FSID;
        if (handleAt + HANDLE_HEADER > end) {
            return null;
        }
        long fsid = in.getLong(fsidAt);
        long handleBytes = Integer.toUnsignedLong(in.getInt(handleAt));
        int handleType = in.getInt(handleAt + 4);
        int dataAt = handleAt + HANDLE_HEADER;
        if (handleBytes > MAX_HANDLE || dataAt + handleBytes > end) {
            return null;
        }
        byte[] handle = Arrays.copyOfRange(in.array(), dataAt, dataAt + (int) handleBytes);
        byte[] name = null;
        if (hasName(type)) {
            int nameAt = dataAt + (int) handleBytes;
            int nul = nameAt;
            while (nul < end && in.get(nul) != 0) {
                nul++;
            }
            name = Arrays.copyOfRange(in.array(), nameAt, nul);
        }
        return new RawEvent.Info(type, new HandleKey(fsid, handleType, handle), name);
    }
}
