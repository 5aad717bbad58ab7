package dev.kiroku.fleet.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.kiroku.event.Event;
import dev.kiroku.event.EventCodec;
import dev.kiroku.event.LossReport;
import dev.kiroku.fleet.proto.ShipRequest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded fuzzing of what the server decodes from the network: mutated protobuf frames and mutated
 * event bytes. Whatever arrives, decoding either refuses the batch with a reason or accounts for
 * every event exactly once (accepted or rejected with a reason), and never accepts an event of
 * another agent or without a sequence.
 */
class BatchDecoderFuzzTest {
    private static final String AGENT = "agent-fuzz";

    @Test
    void mutatedFramesAndEventsAreAccountedForAndNeverCrashTheDecoder() {
        Random random = new Random(0x5EEDL);
        byte[] valid = request(random, 20).toByteArray();
        int parsed = 0;
        int accepted = 0;
        int rejected = 0;
        for (int round = 0; round < 3000; round++) {
            byte[] bytes = mutate(random, valid);
            ShipRequest request;
            try {
                request = ShipRequest.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                assertThat(e.getMessage()).isNotBlank();
                continue;
            }
            parsed++;
            try {
                BatchDecoder.Decoded decoded = BatchDecoder.decode(request, AGENT);
                assertThat(decoded.events().size() + decoded.rejections().size()).isEqualTo(request.getEventsCount());
                assertThat(decoded.encoded()).hasSameSizeAs(decoded.events());
                for (int e = 0; e < decoded.events().size(); e++) {
                    assertThat(EventCodec.decode(decoded.encoded().get(e))).as("the wire bytes kept for the log").isEqualTo(decoded.events().get(e));
                }
                assertThat(decoded.events()).allSatisfy(e -> {
                    assertThat(e.agentId()).isEqualTo(AGENT);
                    assertThat(e.sequence()).isPositive();
                });
                assertThat(decoded.rejections()).allSatisfy(r -> assertThat(r.getReason()).startsWith("event " + r.getIndex() + " "));
                accepted += decoded.events().size();
                rejected += decoded.rejections().size();
            } catch (BatchDecoder.BatchRefused e) {
                assertThat(e.getMessage()).containsAnyOf("protocol version", "exceeds the limit");
            }
        }
        assertThat(parsed).isGreaterThan(100);
        assertThat(accepted).isPositive();
        assertThat(rejected).isPositive();
    }

    @Test
    void mutatedEventBytesInsideAWellFormedFrameAreRejectedOneByOne() throws Exception {
        Random random = new Random(42);
        int rejected = 0;
        for (int round = 0; round < 500; round++) {
            ShipRequest good = request(random, 10);
            ShipRequest.Builder builder = ShipRequest.newBuilder().setProtocolVersion(Protocol.VERSION);
            for (ByteString event : good.getEventsList()) {
                builder.addEvents(random.nextInt(3) == 0 ? ByteString.copyFrom(mutate(random, event.toByteArray())) : event);
            }
            BatchDecoder.Decoded decoded = BatchDecoder.decode(builder.build(), AGENT);
            assertThat(decoded.events().size() + decoded.rejections().size()).isEqualTo(10);
            rejected += decoded.rejections().size();
        }
        assertThat(rejected).isPositive();
    }

    private static ShipRequest request(Random random, int count) {
        List<Event> events = new ArrayList<>();
        Instant now = Instant.parse("2026-11-27T03:00:00Z");
        for (int i = 0; i < count; i++) {
            String agent = random.nextInt(10) == 0 ? "someone-else" : AGENT;
            events.add(Event.of(agent, now.plusMillis(i), "host", new LossReport("audit", random.nextInt(1000), now, now, "r" + i))
                    .withSequence(1 + i));
        }
        ShipRequest.Builder builder = ShipRequest.newBuilder().setProtocolVersion(Protocol.VERSION);
        for (Event event : events) builder.addEvents(ByteString.copyFrom(EventCodec.encode(event)));
        return builder.build();
    }

    /** Flips, overwrites, inserts, deletes or truncates a few bytes. */
    private static byte[] mutate(Random random, byte[] input) {
        byte[] bytes = input.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && bytes.length > 0; e++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(5)) {
                case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[at] = (byte) random.nextInt(256);
                case 2 -> bytes = java.util.Arrays.copyOf(bytes, at);
                case 3 -> {
                    byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
                default -> {
                    byte[] shorter = new byte[bytes.length - 1];
                    System.arraycopy(bytes, 0, shorter, 0, at);
                    System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
                    bytes = shorter;
                }
            }
        }
        return bytes;
    }
}
