package dev.kiroku.sensor.linux.audit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** Hostile and broken records: nothing may crash, nothing may vanish silently. */
class AuditParserHostileInputTest {

    private static final String STAMP = "audit(1700000000.123:42): ";
    private static final String SYSCALL = "arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 "
            + "ppid=10 pid=11 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 "
            + "comm=\"true\" exe=\"/usr/bin/true\" key=\"kiroku\"";

    private static AuditRecord record(int type, String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return new AuditRecordParser().parse(type, b, 0, b.length);
    }

    private static List<AuditActivity> assemble(List<AuditRecord> records) {
        List<AuditActivity> out = new ArrayList<>();
        AuditEventAssembler assembler = new AuditEventAssembler(out::add, 1_000_000_000L, 100);
        for (AuditRecord r : records) {
            assembler.accept(r, 0);
        }
        assembler.accept(eoe(), 0);
        assembler.flush();
        return out;
    }

    private static AuditRecord eoe() {
        try {
            return record(AuditRecordTypes.EOE, STAMP);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Splits {@code arg} like the kernel: hex chunks of at most {@code chunkHex} digits over several EXECVE records. */
    private static List<AuditRecord> execveWithSplitArgument(byte[] arg, int chunkHex, int chunksPerRecord, boolean dropOne)
            throws Exception {
        String hex = HexFormat.of().withUpperCase().formatHex(arg);
        List<AuditRecord> records = new ArrayList<>();
        records.add(record(AuditRecordTypes.SYSCALL, STAMP + SYSCALL));
        StringBuilder current = new StringBuilder(STAMP + "argc=2 a0=\"/bin/true\" a1_len=" + hex.length());
        int inRecord = 0;
        int chunk = 0;
        for (int at = 0; at < hex.length(); at += chunkHex, chunk++) {
            if (dropOne && chunk == 3) {
                continue;
            }
            current.append(" a1[").append(chunk).append("]=").append(hex, at, Math.min(hex.length(), at + chunkHex));
            if (++inRecord == chunksPerRecord) {
                records.add(record(AuditRecordTypes.EXECVE, current.toString()));
                current = new StringBuilder(STAMP);
                inRecord = 0;
            }
        }
        if (inRecord > 0) {
            records.add(record(AuditRecordTypes.EXECVE, current.toString()));
        }
        return records;
    }

    @Test
    void a_100_kb_argument_split_over_many_execve_records_is_joined_exactly() throws Exception {
        byte[] arg = new byte[100_000];
        new Random(1).nextBytes(arg);
        for (int i = 0; i < arg.length; i++) {
            arg[i] = (byte) ('a' + Math.floorMod(arg[i], 26));
        }
        List<AuditActivity> out = assemble(execveWithSplitArgument(arg, 7492, 1, false));
        assertThat(out).singleElement().isInstanceOfSatisfying(ExecActivity.class, e -> {
            assertThat(e.argv()).containsExactly("/bin/true", new String(arg, StandardCharsets.US_ASCII));
            assertThat(e.argvComplete()).isTrue();
            assertThat(e.executable()).isEqualTo("/usr/bin/true");
            assertThat(e.tty()).isEqualTo("pts0");
            assertThat(e.session()).isEqualTo(3);
        });
    }

    @Test
    void a_missing_chunk_is_flagged_incomplete_not_hidden() throws Exception {
        byte[] arg = "x".repeat(50_000).getBytes(StandardCharsets.US_ASCII);
        List<AuditActivity> out = assemble(execveWithSplitArgument(arg, 7492, 2, true));
        assertThat(out).singleElement().isInstanceOfSatisfying(ExecActivity.class,
                e -> assertThat(e.argvComplete()).isFalse());
    }

    @Test
    void non_utf8_hex_values_decode_with_replacement_characters() throws Exception {
        AuditRecord r = record(AuditRecordTypes.EXECVE, STAMP + "argc=2 a0=\"/bin/x\" a1=FFFE41C3");
        List<AuditActivity> out = assemble(List.of(record(AuditRecordTypes.SYSCALL, STAMP + SYSCALL), r));
        assertThat(out).singleElement().isInstanceOfSatisfying(ExecActivity.class, e -> {
            assertThat(e.argv().get(1)).contains("A").contains("\uFFFD");
            assertThat(e.argvComplete()).isTrue();
        });
    }

    static Stream<Arguments> hostileRecords() {
        String longPath = "/" + "d/".repeat(40_000) + "file";
        return Stream.of(
                Arguments.of("very long path", AuditRecordTypes.PATH, STAMP + "item=0 name=\"" + longPath + "\" inode=1 dev=08:01"),
                Arguments.of("unterminated quote", AuditRecordTypes.SYSCALL, STAMP + "pid=1 comm=\"abc"),
                Arguments.of("unterminated msg", 1112, STAMP + "pid=1 uid=0 msg='op=login acct=\"x"),
                Arguments.of("odd-length hex", AuditRecordTypes.CWD, STAMP + "cwd=ABC"),
                Arguments.of("key without value", AuditRecordTypes.SYSCALL, STAMP + "pid="),
                Arguments.of("equals only", AuditRecordTypes.SYSCALL, STAMP + "= = == ="),
                Arguments.of("no fields", AuditRecordTypes.SYSCALL, STAMP),
                Arguments.of("unknown type", 9999, STAMP + "foo=bar baz=\"q\""),
                Arguments.of("NUL bytes inside", AuditRecordTypes.SYSCALL, STAMP + "pid=1\u0000 comm=\"a\u0000b\""),
                Arguments.of("huge numbers", AuditRecordTypes.SYSCALL, STAMP + "pid=999999999999999999999999 ses=-5 uid=abc"),
                Arguments.of("braces without end", 1400, STAMP + "avc:  denied  { read for pid=3"),
                Arguments.of("control characters", AuditRecordTypes.SYSCALL, STAMP + "comm=\"\t\r\n\u001b[31m\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRecords")
    void hostile_records_parse_and_map_without_exception(String name, int type, String text) throws Exception {
        AuditRecord r = record(type, text);
        assertThat(r.serial()).isEqualTo(42);
        assertThatCode(r::fields).doesNotThrowAnyException();
        List<AuditActivity> out = assemble(List.of(r));
        assertThat(out).as(name).hasSize(1);
    }

    @Test
    void sockaddr_decoding_covers_ipv4_ipv6_mapped_unix_and_garbage() {
        HexFormat hex = HexFormat.of();
        assertThat(Sockaddr.decode(hex.parseHex("0200A04F7F0000010000000000000000")))
                .isEqualTo(new Sockaddr("inet", "127.0.0.1", 41039));
        assertThat(Sockaddr.decode(hex.parseHex("0A001F90" + "00000000" + "00000000000000000000FFFF7F000001" + "00000000")))
                .isEqualTo(new Sockaddr("inet6", "::ffff:127.0.0.1", 8080));
        assertThat(Sockaddr.decode(hex.parseHex("0A000050" + "00000000" + "20010DB8000000000000000000000001" + "00000000")))
                .isEqualTo(new Sockaddr("inet6", "2001:db8::1", 80));
        assertThat(Sockaddr.decode(hex.parseHex("01002F746D702F73")).address()).isEqualTo("/tmp/s");
        assertThat(Sockaddr.decode(hex.parseHex("0100006162")).address()).isEqualTo("@ab");
        assertThat(Sockaddr.decode(hex.parseHex("02")).family()).isEqualTo("malformed");
        assertThat(Sockaddr.decode(hex.parseHex("0200")).family()).isEqualTo("malformed");
        assertThat(Sockaddr.decode(hex.parseHex("2A00")).family()).isEqualTo("family(42)");
    }

    @Test
    void stamps_that_cannot_be_read_are_reported_malformed() {
        for (String bad : List.of("", "garbage", "audit(", "audit(1700000000.1", "audit(x.1:2):", "audit(1.2:)",
                "audit(1.2:3", "\u0000\u0000")) {
            byte[] b = bad.getBytes(StandardCharsets.UTF_8);
            assertThatCode(() -> new AuditRecordParser().parse(1300, b, 0, b.length)).as(bad)
                    .isInstanceOf(AuditRecordParser.MalformedAuditRecordException.class);
        }
    }

    @Test
    void user_records_stand_alone_and_flatten_msg() throws Exception {
        AuditRecord r = record(1112, "audit(1492896301.818:19955): pid=12635 uid=0 auid=4294967295 ses=4294967295 "
                + "msg='op=login acct=28696E76616C6964207573657229 exe=\"/usr/sbin/sshd\" hostname=? addr=179.38.151.221 "
                + "terminal=sshd res=failed'");
        List<AuditActivity> out = new ArrayList<>();
        new AuditEventAssembler(out::add, 1, 10).accept(r, 0);
        assertThat(out).singleElement().isInstanceOfSatisfying(UserRecord.class, u -> {
            assertThat(u.recordType()).isEqualTo("USER_LOGIN");
            assertThat(u.auid()).isEqualTo(-1);
            assertThat(u.session()).isEqualTo(-1);
            assertThat(u.fields()).containsEntry("acct", "(invalid user)").containsEntry("res", "failed")
                    .containsEntry("addr", "179.38.151.221").containsEntry("hostname", null);
        });
    }

    @Test
    void events_without_eoe_close_on_timeout() throws Exception {
        List<AuditActivity> out = new ArrayList<>();
        AuditEventAssembler assembler = new AuditEventAssembler(out::add, 1_000, 10);
        assembler.accept(record(AuditRecordTypes.CONFIG_CHANGE, STAMP + "op=add_rule key=\"kiroku\" list=4 res=1"), 0);
        assembler.expire(500);
        assertThat(out).isEmpty();
        assembler.expire(1_500);
        assertThat(out).singleElement().isInstanceOf(UnclassifiedEvent.class);
        assertThat(assembler.timedOut()).isOne();
    }

    @Test
    void random_bytes_never_throw_anything_but_malformed() {
        Random random = new Random(42);
        AuditRecordParser parser = new AuditRecordParser();
        byte[] alphabet = "audit(0123456789.:) =\"'{}abcxyzAF\u0000\n".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[random.nextInt(200)];
            for (int j = 0; j < b.length; j++) {
                b[j] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
            }
            if (random.nextBoolean()) {
                byte[] stamped = ("audit(1.2:3): ").getBytes(StandardCharsets.US_ASCII);
                byte[] joined = new byte[stamped.length + b.length];
                System.arraycopy(stamped, 0, joined, 0, stamped.length);
                System.arraycopy(b, 0, joined, stamped.length, b.length);
                b = joined;
            }
            int type = 1300 + random.nextInt(30);
            try {
                AuditRecord r = parser.parse(type, b, 0, b.length);
                r.fields();
                AuditActivityMapper.map(List.of(r));
            } catch (AuditRecordParser.MalformedAuditRecordException expected) {
                // reported as MalformedRecord by the source
            }
        }
    }
}
