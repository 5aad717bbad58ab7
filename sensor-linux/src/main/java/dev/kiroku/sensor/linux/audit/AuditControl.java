package dev.kiroku.sensor.linux.audit;

import dev.kiroku.sensor.linux.ffm.ErrnoException;
import dev.kiroku.sensor.linux.ffm.Libc;
import dev.kiroku.sensor.linux.netlink.NetlinkMessages;
import dev.kiroku.sensor.linux.netlink.NetlinkSocket;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Request/reply control of the kernel audit subsystem over one {@code NETLINK_AUDIT} socket:
 * status, settings and rules. Methods are synchronized; one request is in flight at a time.
 *
 * <p>When this socket is also the registered audit daemon, records arrive on it between replies;
 * they are handed to the {@link DatagramSink} given at construction instead of being dropped.
 */
public final class AuditControl implements AutoCloseable {

    public static final int AUDIT_GET = 1000;
    public static final int AUDIT_SET = 1001;
    public static final int AUDIT_ADD_RULE = 1011;
    public static final int AUDIT_DEL_RULE = 1012;
    public static final int AUDIT_LIST_RULES = 1013;

    private static final int BUFFER_SIZE = 64 * 1024;
    private static final long REPLY_TIMEOUT_NANOS = 5_000_000_000L;

    /** Receives datagrams that are not the reply being waited for (audit records, in daemon mode). */
    @FunctionalInterface
    public interface DatagramSink {
        void accept(byte[] datagram, int length);
    }

    private final NetlinkSocket socket;
    private final DatagramSink unrelated;
    private final byte[] receiveBuffer = new byte[BUFFER_SIZE];

    AuditControl(NetlinkSocket socket, DatagramSink unrelated) {
        this.socket = socket;
        this.unrelated = unrelated;
    }

    /** Opens a control socket (not bound to any multicast group). */
    public static AuditControl open() throws ErrnoException {
        return new AuditControl(NetlinkSocket.open(NetlinkSocket.NETLINK_AUDIT, Libc.SOCK_RAW, 0, BUFFER_SIZE),
                (datagram, length) -> { });
    }

    public synchronized AuditStatus status() throws IOException {
        int seq = socket.nextSequence();
        byte[] msg = new byte[NetlinkMessages.HEADER_SIZE];
        NetlinkMessages.putHeader(msg, 0, msg.length, AUDIT_GET, NetlinkMessages.NLM_F_REQUEST, seq);
        socket.send(msg, msg.length);
        long deadline = System.nanoTime() + REPLY_TIMEOUT_NANOS;
        while (true) {
            int n = receiveUntil(deadline, "AUDIT_GET");
            int type = NetlinkMessages.type(receiveBuffer, 0);
            if (NetlinkMessages.sequence(receiveBuffer, 0) == seq && type == AUDIT_GET) {
                return AuditStatus.decode(receiveBuffer, NetlinkMessages.HEADER_SIZE, n - NetlinkMessages.HEADER_SIZE);
            }
            if (type == NetlinkMessages.NLMSG_ERROR && NetlinkMessages.sequence(receiveBuffer, 0) == seq) {
                throw new AuditControlException("AUDIT_GET", -NetlinkMessages.errorCode(receiveBuffer, 0));
            }
            unrelated.accept(receiveBuffer, n);
        }
    }

    /** {@code AUDIT_SET} of the fields selected by {@code mask} (see {@code AuditStatus.MASK_*}). */
    public synchronized void set(int mask, AuditStatus values) throws IOException {
        AuditStatus withMask = new AuditStatus(mask, values.enabled(), values.failure(), values.pid(), values.rateLimit(),
                values.backlogLimit(), values.lost(), values.backlog(), values.featureBitmap(), values.backlogWaitTime(),
                values.backlogWaitTimeActual());
        byte[] payload = new byte[AuditStatus.SIZE];
        withMask.encode(payload, 0);
        requestWithAck(AUDIT_SET, payload, "AUDIT_SET");
    }

    public void setEnabled(long enabled) throws IOException {
        set(AuditStatus.MASK_ENABLED, new AuditStatus(0, enabled, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    /** Registers {@code pid} as the audit daemon, receiving records on this socket; 0 unregisters. */
    public void setPid(long pid) throws IOException {
        set(AuditStatus.MASK_PID, new AuditStatus(0, 0, 0, pid, 0, 0, 0, 0, 0, 0, 0));
    }

    public void setBacklogLimit(long limit) throws IOException {
        set(AuditStatus.MASK_BACKLOG_LIMIT, new AuditStatus(0, 0, 0, 0, 0, limit, 0, 0, 0, 0, 0));
    }

    public void setBacklogWaitTime(long jiffies) throws IOException {
        set(AuditStatus.MASK_BACKLOG_WAIT_TIME, new AuditStatus(0, 0, 0, 0, 0, 0, 0, 0, 0, jiffies, 0));
    }

    public void setFailure(long failure) throws IOException {
        set(AuditStatus.MASK_FAILURE, new AuditStatus(0, 0, failure, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    public synchronized void addRule(AuditRule rule) throws IOException {
        requestWithAck(AUDIT_ADD_RULE, rule.encode(), "AUDIT_ADD_RULE");
    }

    public synchronized void deleteRule(AuditRule rule) throws IOException {
        requestWithAck(AUDIT_DEL_RULE, rule.encode(), "AUDIT_DEL_RULE");
    }

    public synchronized List<AuditRule> listRules() throws IOException {
        List<AuditRule> rules = new ArrayList<>();
        for (byte[] raw : listRawRules()) {
            rules.add(AuditRule.decode(raw, 0, raw.length));
        }
        return rules;
    }

    /**
     * Deletes every rule carrying {@code key}, using the kernel's own bytes for each rule so that
     * rules this class could not re-encode exactly are deleted too.
     *
     * @return how many rules were deleted
     */
    public synchronized int deleteRulesWithKey(String key) throws IOException {
        int deleted = 0;
        for (byte[] raw : listRawRules()) {
            AuditRule rule = AuditRule.decode(raw, 0, raw.length);
            if (rule.hasKey(key)) {
                requestWithAck(AUDIT_DEL_RULE, raw, "AUDIT_DEL_RULE");
                deleted++;
            }
        }
        return deleted;
    }

    private List<byte[]> listRawRules() throws IOException {
        int seq = socket.nextSequence();
        byte[] msg = new byte[NetlinkMessages.HEADER_SIZE];
        NetlinkMessages.putHeader(msg, 0, msg.length, AUDIT_LIST_RULES, NetlinkMessages.NLM_F_REQUEST, seq);
        socket.send(msg, msg.length);
        List<byte[]> raw = new ArrayList<>();
        long deadline = System.nanoTime() + REPLY_TIMEOUT_NANOS;
        while (true) {
            int n = receiveUntil(deadline, "AUDIT_LIST_RULES");
            if (NetlinkMessages.sequence(receiveBuffer, 0) != seq) {
                unrelated.accept(receiveBuffer, n);
                continue;
            }
            int at = 0;
            while (at + NetlinkMessages.HEADER_SIZE <= n) {
                int len = NetlinkMessages.length(receiveBuffer, at);
                int type = NetlinkMessages.type(receiveBuffer, at);
                if (len < NetlinkMessages.HEADER_SIZE || at + len > n) {
                    throw new IOException("malformed AUDIT_LIST_RULES reply at offset " + at);
                }
                switch (type) {
                    case NetlinkMessages.NLMSG_DONE -> {
                        return raw;
                    }
                    case NetlinkMessages.NLMSG_ERROR -> {
                        int error = -NetlinkMessages.errorCode(receiveBuffer, at);
                        if (error != 0) {
                            throw new AuditControlException("AUDIT_LIST_RULES", error);
                        }
                    }
                    case AUDIT_LIST_RULES -> raw.add(Arrays.copyOfRange(receiveBuffer, at + NetlinkMessages.HEADER_SIZE, at + len));
                    default -> { }
                }
                at += NetlinkMessages.align(len);
            }
        }
    }

    private void requestWithAck(int type, byte[] payload, String what) throws IOException {
        int seq = socket.nextSequence();
        byte[] msg = new byte[NetlinkMessages.HEADER_SIZE + payload.length];
        NetlinkMessages.putHeader(msg, 0, msg.length, type, NetlinkMessages.NLM_F_REQUEST | NetlinkMessages.NLM_F_ACK, seq);
        System.arraycopy(payload, 0, msg, NetlinkMessages.HEADER_SIZE, payload.length);
        socket.send(msg, msg.length);
        long deadline = System.nanoTime() + REPLY_TIMEOUT_NANOS;
        while (true) {
            int n = receiveUntil(deadline, what);
            if (NetlinkMessages.type(receiveBuffer, 0) == NetlinkMessages.NLMSG_ERROR
                    && NetlinkMessages.sequence(receiveBuffer, 0) == seq) {
                int error = -NetlinkMessages.errorCode(receiveBuffer, 0);
                if (error != 0) {
                    throw new AuditControlException(what, error);
                }
                return;
            }
            unrelated.accept(receiveBuffer, n);
        }
    }

    private int receiveUntil(long deadline, String what) throws IOException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("no reply to " + what + " within 5 s");
            }
            int n = socket.receive(receiveBuffer, (int) Math.max(1, left / 1_000_000));
            if (n >= NetlinkMessages.HEADER_SIZE) {
                return Math.min(n, receiveBuffer.length);
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
