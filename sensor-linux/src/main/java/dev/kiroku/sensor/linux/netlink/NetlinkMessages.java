package dev.kiroku.sensor.linux.netlink;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reading and writing netlink headers and native-order integers in {@code byte[]} buffers.
 *
 * <p>{@code struct nlmsghdr} is 16 bytes: {@code len u32, type u16, flags u16, seq u32, pid u32}.
 */
public final class NetlinkMessages {

    public static final int HEADER_SIZE = 16;

    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;

    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_MULTI = 0x2;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_ROOT = 0x100;
    public static final int NLM_F_MATCH = 0x200;
    public static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;

    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_BE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

    private NetlinkMessages() {
    }

    public static int align(int length) {
        return (length + 3) & ~3;
    }

    /** Writes a header at {@code offset}. */
    public static void putHeader(byte[] buffer, int offset, int length, int type, int flags, int sequence) {
        putInt(buffer, offset, length);
        putShort(buffer, offset + 4, type);
        putShort(buffer, offset + 6, flags);
        putInt(buffer, offset + 8, sequence);
        putInt(buffer, offset + 12, 0);
    }

    public static int length(byte[] buffer, int offset) {
        return getInt(buffer, offset);
    }

    public static int type(byte[] buffer, int offset) {
        return getUnsignedShort(buffer, offset + 4);
    }

    public static int flags(byte[] buffer, int offset) {
        return getUnsignedShort(buffer, offset + 6);
    }

    public static int sequence(byte[] buffer, int offset) {
        return getInt(buffer, offset + 8);
    }

    /** For an {@link #NLMSG_ERROR} message at {@code offset}: the (negative) errno, 0 for an ACK. */
    public static int errorCode(byte[] buffer, int offset) {
        return getInt(buffer, offset + HEADER_SIZE);
    }

    /** For an {@link #NLMSG_ERROR} message: the sequence number of the request it answers. */
    public static int errorRequestSequence(byte[] buffer, int offset) {
        return getInt(buffer, offset + HEADER_SIZE + 4 + 8);
    }

    public static int getInt(byte[] buffer, int offset) {
        return (int) INT_LE.get(buffer, offset);
    }

    public static long getUnsignedInt(byte[] buffer, int offset) {
        return Integer.toUnsignedLong((int) INT_LE.get(buffer, offset));
    }

    public static long getLong(byte[] buffer, int offset) {
        return (long) LONG_LE.get(buffer, offset);
    }

    public static int getUnsignedShort(byte[] buffer, int offset) {
        return ((short) SHORT_LE.get(buffer, offset)) & 0xFFFF;
    }

    public static int getUnsignedShortBigEndian(byte[] buffer, int offset) {
        return ((short) SHORT_BE.get(buffer, offset)) & 0xFFFF;
    }

    public static void putInt(byte[] buffer, int offset, int value) {
        INT_LE.set(buffer, offset, value);
    }

    public static void putShort(byte[] buffer, int offset, int value) {
        SHORT_LE.set(buffer, offset, (short) value);
    }
}
