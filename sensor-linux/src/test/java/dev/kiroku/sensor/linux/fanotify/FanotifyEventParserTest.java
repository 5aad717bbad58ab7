package dev.kiroku.sensor.linux.fanotify;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class FanotifyEventParserTest {

    /** Builds events the way the kernel lays them out: info records padded only to 4 bytes. */
    private static final class Events {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Events event(long mask, int pid, byte[]... infos) {
            int len = 24;
            for (byte[] info : infos) {
                len += info.length;
            }
            ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());
            b.putInt(len).put((byte) 3).put((byte) 0).putShort((short) 24).putLong(mask).putInt(-1).putInt(pid);
            out.writeBytes(b.array());
            for (byte[] info : infos) {
                out.writeBytes(info);
            }
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    static byte[] info(int type, long fsid, int handleType, byte[] handle, String name) {
        byte[] nameBytes = name == null ? new byte[0] : name.getBytes(StandardCharsets.UTF_8);
        int raw = 4 + 8 + 8 + handle.length + (name == null ? 0 : nameBytes.length + 1);
        int len = (raw + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        b.put((byte) type).put((byte) 0).putShort((short) len).putLong(fsid)
                .putInt(handle.length).putInt(handleType).put(handle);
        if (name != null) {
            b.put(nameBytes).put((byte) 0);
        }
        return b.array();
    }

    private static List<RawEvent> parse(byte[] bytes) {
        List<RawEvent> out = new ArrayList<>();
        FanotifyEventParser.parse(bytes, bytes.length, out::add);
        return out;
    }

    @Test
    void parsesConsecutiveEventsWhoseMasksAreMisaligned() {
        byte[] handle12 = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        byte[] bytes = new Events()
                .event(FanotifyCalls.FAN_CREATE | FanotifyCalls.FAN_CLOSE_WRITE, 42,
                        info(FanotifyCalls.INFO_DFID_NAME, 7L, 1, handle12, "a.txt"),  // 36 bytes: next event at +60
                        info(FanotifyCalls.INFO_FID, 7L, 1, handle12, null))
                .event(FanotifyCalls.FAN_RENAME, 43,
                        info(FanotifyCalls.INFO_OLD_DFID_NAME, 7L, 1, handle12, "old"),
                        info(FanotifyCalls.INFO_NEW_DFID_NAME, 7L, 1, handle12, "new-name"))
                .bytes();
        List<RawEvent> events = parse(bytes);
        assertThat(events).hasSize(2);
        RawEvent first = events.get(0);
        assertThat(first.mask()).isEqualTo(FanotifyCalls.FAN_CREATE | FanotifyCalls.FAN_CLOSE_WRITE);
        assertThat(first.pid()).isEqualTo(42);
        assertThat(new String(first.info(FanotifyCalls.INFO_DFID_NAME).name())).isEqualTo("a.txt");
        assertThat(first.info(FanotifyCalls.INFO_FID).name()).isNull();
        assertThat(first.info(FanotifyCalls.INFO_FID).handle())
                .isEqualTo(new HandleKey(7L, 1, handle12.clone()));
        RawEvent second = events.get(1);
        assertThat(second.pid()).isEqualTo(43);
        assertThat(new String(second.info(FanotifyCalls.INFO_OLD_DFID_NAME).name())).isEqualTo("old");
        assertThat(new String(second.info(FanotifyCalls.INFO_NEW_DFID_NAME).name())).isEqualTo("new-name");
    }

    @Test
    void overflowEventHasNoInfo() {
        List<RawEvent> events = parse(new Events().event(FanotifyCalls.FAN_Q_OVERFLOW, 0).bytes());
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.has(FanotifyCalls.FAN_Q_OVERFLOW)).isTrue();
            assertThat(e.infos()).isEmpty();
        });
    }

    @Test
    void infoRecordLongerThanItsEventIsSkippedAndCounted() {
        byte[] good = info(FanotifyCalls.INFO_DFID_NAME, 1L, 1, new byte[8], "x");
        byte[] bytes = new Events().event(FanotifyCalls.FAN_CREATE, 1, good).bytes();
        // claim the info record is longer than what is left
        ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).putShort(24 + 2, (short) 200);
        List<RawEvent> out = new ArrayList<>();
        int malformed = FanotifyEventParser.parse(bytes, bytes.length, out::add);
        assertThat(malformed).isEqualTo(1);
        assertThat(out).singleElement().satisfies(e -> assertThat(e.infos()).isEmpty());
    }

    @Test
    void randomAndTruncatedInputNeverThrowsOrReadsOutOfBounds() {
        Random random = new Random(20240601);
        byte[] handle = new byte[8];
        byte[] valid = new Events()
                .event(FanotifyCalls.FAN_CREATE, 5, info(FanotifyCalls.INFO_DFID_NAME, 9L, 1, handle, "name"))
                .event(FanotifyCalls.FAN_DELETE, 6, info(FanotifyCalls.INFO_DFID_NAME, 9L, 1, handle, "other"),
                        info(FanotifyCalls.INFO_FID, 9L, 1, handle, null))
                .bytes();
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = valid.clone();
            int flips = 1 + random.nextInt(6);
            for (int i = 0; i < flips; i++) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            int length = random.nextInt(bytes.length + 1);
            FanotifyEventParser.parse(bytes, length, e -> { });
        }
        for (int round = 0; round < 5_000; round++) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            FanotifyEventParser.parse(bytes, bytes.length, e -> { });
        }
    }
}
