package dev.kiroku.sensor.linux.audit;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Argument vectors written the way the kernel writes EXECVE records ({@code audit_log_execve_info}: quoted when
 * printable, upper-case hex otherwise, long arguments as {@code aN_len} and {@code aN[k]} chunks, possibly over
 * several records) come back exactly: the one-record fast path and the joining path, from values the parser keeps as
 * bytes until they are asked for.
 */
class ArgvRoundTripTest {

    private static final String STAMP = "audit(1700000000.123:42): ";
    private static final String ALPHABET = "abcxyz/-_.=:0189 \"'\t\n\\é漢";

    @Test
    void randomArgumentVectorsComeBackExactly() throws Exception {
        Random random = new Random(20261127);
        for (int round = 0; round < 2_000; round++) {
            List<String> argv = randomArgv(random);
            int chunk = round % 3 == 0 ? 1 + random.nextInt(12) : Integer.MAX_VALUE;
            int perRecord = 1 + random.nextInt(4);
            AuditActivityMapper.Argv parsed = AuditActivityMapper.argv(execveRecords(argv, chunk, perRecord));
            assertThat(parsed.arguments()).as("round %d, chunk %d", round, chunk).isEqualTo(argv);
            assertThat(parsed.complete()).as("round %d", round).isTrue();
        }
    }

    @Test
    void numbersAndFlagsAreReadFromTheBytes() throws Exception {
        byte[] text = (STAMP + "arch=c000003e syscall=59 success=yes exit=-2 ppid=10 pid=4294967295 "
                + "auid=4294967295 ses=12 tty=(none) comm=\"true\" exe=2F746D702F6120622F74727565")
                .getBytes(StandardCharsets.UTF_8);
        AuditRecord r = new AuditRecordParser().parse(AuditRecordTypes.SYSCALL, text, 0, text.length);
        assertThat(r.hexNumber("arch", -1)).isEqualTo(0xc000003eL);
        assertThat(r.number("syscall", -1)).isEqualTo(59);
        assertThat(r.number("exit", 0)).isEqualTo(-2);
        assertThat(r.number("pid", -1)).isEqualTo(4294967295L);
        assertThat(r.number("comm", -1)).isEqualTo(-1);
        assertThat(r.raw("success")).isEqualTo("yes");
        assertThat(r.text("tty")).isNull();
        assertThat(r.text("exe")).isEqualTo("/tmp/a b/true");
        assertThat(r.text("comm")).isEqualTo("true");
        assertThat(r.number("missing", 7)).isEqualTo(7);
    }

    private static List<String> randomArgv(Random random) {
        int n = 1 + random.nextInt(6);
        List<String> argv = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int length = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(30);
            StringBuilder b = new StringBuilder();
            for (int c = 0; c < length; c++) b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            argv.add(b.toString());
        }
        return argv;
    }

    /** EXECVE records as the kernel writes them, {@code perRecord} arguments per record. */
    private static List<AuditRecord> execveRecords(List<String> argv, int chunk, int perRecord) throws Exception {
        List<AuditRecord> records = new ArrayList<>();
        StringBuilder text = new StringBuilder(STAMP).append("argc=").append(argv.size());
        int inRecord = 0;
        for (int i = 0; i < argv.size(); i++) {
            byte[] arg = argv.get(i).getBytes(StandardCharsets.UTF_8);
            boolean hex = needsHex(arg);
            String written = hex ? HexFormat.of().withUpperCase().formatHex(arg) : argv.get(i);
            if (written.length() > chunk) {
                text.append(" a").append(i).append("_len=").append(written.length());
                for (int k = 0, from = 0; from < written.length(); k++, from += chunk) {
                    // a chunk ends on whole bytes: an even number of hex digits, whole characters of quoted text
                    int to = Math.min(written.length(), from + (hex ? chunk * 2 : chunk));
                    String piece = written.substring(from, to);
                    text.append(" a").append(i).append('[').append(k).append("]=").append(hex ? piece : quote(piece));
                    if (hex) from += chunk;
                }
            } else {
                text.append(" a").append(i).append('=').append(hex ? written : quote(written));
            }
            if (++inRecord == perRecord && i + 1 < argv.size()) {
                records.add(parse(text.toString()));
                text = new StringBuilder(STAMP);
                inRecord = 0;
            }
        }
        records.add(parse(text.toString()));
        return records;
    }

    private static AuditRecord parse(String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return new AuditRecordParser().parse(AuditRecordTypes.EXECVE, b, 0, b.length);
    }

    private static String quote(String s) {
        return '"' + s + '"';
    }

    /** The kernel's rule: hex when a byte is a control character, '"', a space, or not ASCII. */
    private static boolean needsHex(byte[] arg) {
        if (arg.length == 0) return false;
        for (byte b : arg) {
            if (b == '"' || b < 0x21 || b > 0x7e) return true;
        }
        return false;
    }
}
