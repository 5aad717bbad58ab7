package dev.kiroku.sensor.linux.audit;

import dev.kiroku.sensor.linux.netlink.NetlinkMessages;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One audit rule in the shape of the kernel's {@code struct audit_rule_data}:
 * {@code flags u32 @0, action u32 @4, field_count u32 @8, mask[64] @12, fields[64] @268,
 * values[64] @524, fieldflags[64] @780, buflen @1036, buf @1040}.
 *
 * @param list       the filter list, e.g. {@link #FILTER_EXIT}
 * @param action     {@link #ALWAYS} or {@link #NEVER}
 * @param syscalls   syscall numbers of the rule's architecture
 * @param conditions the {@code -F} fields, in kernel order
 */
public record AuditRule(int list, int action, List<Integer> syscalls, List<Condition> conditions) {

    public static final int FILTER_EXIT = 4;
    public static final int FILTER_EXCLUDE = 5;
    public static final int NEVER = 0;
    public static final int ALWAYS = 2;

    public static final int FIELD_ARCH = 11;
    public static final int FIELD_MSGTYPE = 12;
    public static final int FIELD_SADDR_FAM = 113;
    public static final int FIELD_FILTERKEY = 210;

    public static final int OP_EQUAL = 0x40000000;

    public static final long ARCH_X86_64 = 0xC000003EL;
    public static final long ARCH_I386 = 0x40000003L;

    private static final int FIELDS_OFFSET = 268;
    private static final int VALUES_OFFSET = 524;
    private static final int FIELDFLAGS_OFFSET = 780;
    private static final int BUFLEN_OFFSET = 1036;
    static final int HEADER_SIZE = 1040;
    private static final int MAX_FIELDS = 64;

    /** Field types whose value is a string held in {@code buf} (value = its length). */
    private static boolean isStringField(int field) {
        return switch (field) {
            case 13, 14, 15, 16, 17, 19, 20, 21, 22, 23, 105, 107, 112, FIELD_FILTERKEY -> true;
            default -> false;
        };
    }

    /**
     * One {@code -F} condition: numeric ({@code text == null}) or string.
     *
     * @param field    field type, e.g. {@link #FIELD_ARCH}
     * @param operator e.g. {@link #OP_EQUAL}
     * @param value    the number, or the string's byte length for string fields
     * @param text     the string value of string fields, else null
     */
    public record Condition(int field, int operator, long value, String text) {
        public static Condition equal(int field, long value) {
            return new Condition(field, OP_EQUAL, value, null);
        }

        public static Condition key(String key) {
            return new Condition(FIELD_FILTERKEY, OP_EQUAL, key.getBytes(StandardCharsets.UTF_8).length, key);
        }
    }

    public AuditRule {
        syscalls = List.copyOf(syscalls);
        conditions = List.copyOf(conditions);
        if (conditions.size() > MAX_FIELDS) {
            throw new IllegalArgumentException("at most 64 conditions");
        }
    }

    /** {@code -a always,exit -F arch=… -S … [conditions] -k key}. */
    public static AuditRule exitAlways(long arch, List<Integer> syscalls, String key, Condition... extra) {
        List<Condition> conditions = new ArrayList<>();
        conditions.add(Condition.equal(FIELD_ARCH, arch));
        conditions.addAll(List.of(extra));
        conditions.add(Condition.key(key));
        return new AuditRule(FILTER_EXIT, ALWAYS, syscalls, conditions);
    }

    /**
     * {@code -a always,exclude -F msgtype=TYPE}: the kernel drops records of that type before it
     * formats them. Without a key: the kernel's exclude filter stops at a field it does not
     * evaluate (a key is one) and would then exclude nothing.
     */
    public static AuditRule excludeRecordType(int recordType) {
        return new AuditRule(FILTER_EXCLUDE, ALWAYS, List.of(), List.of(Condition.equal(FIELD_MSGTYPE, recordType)));
    }

    /** The rule's filter key(s), {@code \u0001}-separated when there are several, or null. */
    public String key() {
        for (Condition c : conditions) {
            if (c.field() == FIELD_FILTERKEY) {
                return c.text();
            }
        }
        return null;
    }

    /** True when one of the rule's keys equals {@code key}. */
    public boolean hasKey(String key) {
        String keys = key();
        if (keys == null) {
            return false;
        }
        for (String k : keys.split("\u0001", -1)) {
            if (k.equals(key)) {
                return true;
            }
        }
        return false;
    }

    byte[] encode() {
        List<byte[]> strings = new ArrayList<>();
        int bufLength = 0;
        for (Condition c : conditions) {
            if (c.text() != null) {
                byte[] b = c.text().getBytes(StandardCharsets.UTF_8);
                strings.add(b);
                bufLength += b.length;
            }
        }
        byte[] out = new byte[HEADER_SIZE + bufLength];
        NetlinkMessages.putInt(out, 0, list);
        NetlinkMessages.putInt(out, 4, action);
        NetlinkMessages.putInt(out, 8, conditions.size());
        for (int nr : syscalls) {
            if (nr < 0 || nr >= 64 * 32) {
                throw new IllegalArgumentException("syscall number out of range: " + nr);
            }
            int at = 12 + (nr / 32) * 4;
            NetlinkMessages.putInt(out, at, NetlinkMessages.getInt(out, at) | (1 << (nr % 32)));
        }
        int bufAt = HEADER_SIZE;
        int stringIndex = 0;
        for (int i = 0; i < conditions.size(); i++) {
            Condition c = conditions.get(i);
            NetlinkMessages.putInt(out, FIELDS_OFFSET + i * 4, c.field());
            NetlinkMessages.putInt(out, FIELDFLAGS_OFFSET + i * 4, c.operator());
            if (c.text() != null) {
                byte[] b = strings.get(stringIndex++);
                NetlinkMessages.putInt(out, VALUES_OFFSET + i * 4, b.length);
                System.arraycopy(b, 0, out, bufAt, b.length);
                bufAt += b.length;
            } else {
                NetlinkMessages.putInt(out, VALUES_OFFSET + i * 4, (int) c.value());
            }
        }
        NetlinkMessages.putInt(out, BUFLEN_OFFSET, bufLength);
        return out;
    }

    static AuditRule decode(byte[] buffer, int offset, int length) {
        if (length < HEADER_SIZE) {
            throw new IllegalArgumentException("audit_rule_data too short: " + length);
        }
        int list = NetlinkMessages.getInt(buffer, offset);
        int action = NetlinkMessages.getInt(buffer, offset + 4);
        int count = Math.min(NetlinkMessages.getInt(buffer, offset + 8), MAX_FIELDS);
        List<Integer> syscalls = new ArrayList<>();
        for (int word = 0; word < 64; word++) {
            int bits = NetlinkMessages.getInt(buffer, offset + 12 + word * 4);
            for (int bit = 0; bits != 0 && bit < 32; bit++) {
                if ((bits & (1 << bit)) != 0) {
                    syscalls.add(word * 32 + bit);
                }
            }
        }
        int bufLength = NetlinkMessages.getInt(buffer, offset + BUFLEN_OFFSET);
        int bufAt = offset + HEADER_SIZE;
        int bufEnd = offset + Math.min(length, HEADER_SIZE + Math.max(0, bufLength));
        List<Condition> conditions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int field = NetlinkMessages.getInt(buffer, offset + FIELDS_OFFSET + i * 4);
            long value = NetlinkMessages.getUnsignedInt(buffer, offset + VALUES_OFFSET + i * 4);
            int op = NetlinkMessages.getInt(buffer, offset + FIELDFLAGS_OFFSET + i * 4);
            String text = null;
            if (isStringField(field)) {
                int n = (int) Math.min(value, Math.max(0, bufEnd - bufAt));
                text = new String(buffer, bufAt, n, StandardCharsets.UTF_8);
                bufAt += n;
            }
            conditions.add(new Condition(field, op, value, text));
        }
        return new AuditRule(list, action, syscalls, conditions);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditRule r && list == r.list && action == r.action
                && new java.util.TreeSet<>(syscalls).equals(new java.util.TreeSet<>(r.syscalls))
                && conditions.equals(r.conditions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(list, action, new java.util.TreeSet<>(syscalls), conditions);
    }
}
