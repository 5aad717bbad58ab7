package dev.kiroku.fleet.wire;

import com.google.protobuf.ByteString;
import dev.kiroku.event.Event;
import dev.kiroku.event.EventCodec;
import dev.kiroku.fleet.proto.Rejection;
import dev.kiroku.fleet.proto.ShipRequest;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link ShipRequest} into events the store may take. The whole batch is refused for a wrong
 * protocol version or too many events; otherwise each event is judged alone: one that cannot be
 * decoded, has no valid sequence, or names another agent than the sender's certificate is rejected
 * with its reason, and the others go on.
 */
public final class BatchDecoder {
    private BatchDecoder() {
    }

    /**
     * The events to store and the ones rejected, with the highest sequence seen in the batch.
     *
     * @param encoded each event of {@code events} as it came over the wire (the codec's bytes), same order
     */
    public record Decoded(List<Event> events, List<byte[]> encoded, List<Rejection> rejections, long highestSequence) {
    }

    /** The batch as a whole cannot be taken; the message says why. */
    public static final class BatchRefused extends Exception {
        private final boolean versionMismatch;

        BatchRefused(String message, boolean versionMismatch) {
            super(message);
            this.versionMismatch = versionMismatch;
        }

        public boolean versionMismatch() {
            return versionMismatch;
        }
    }

    /** @param agentId the sender, from its certificate */
    public static Decoded decode(ShipRequest request, String agentId) throws BatchRefused {
        if (request.getProtocolVersion() != Protocol.VERSION) {
            throw new BatchRefused("protocol version " + request.getProtocolVersion() + " is not supported; this server speaks "
                    + Protocol.VERSION, true);
        }
        int count = request.getEventsCount();
        if (count > Protocol.MAX_EVENTS_PER_BATCH) {
            throw new BatchRefused("batch of " + count + " events exceeds the limit of " + Protocol.MAX_EVENTS_PER_BATCH, false);
        }
        List<Event> events = new ArrayList<>(count);
        List<byte[]> encoded = new ArrayList<>(count);
        List<Rejection> rejections = new ArrayList<>();
        long highest = 0;
        for (int i = 0; i < count; i++) {
            byte[] bytes = request.getEvents(i).toByteArray();
            Event event;
            try {
                event = EventCodec.decode(bytes);
            } catch (RuntimeException e) {
                rejections.add(rejection(i, 0, "event " + i + " cannot be decoded: " + e.getMessage()));
                continue;
            }
            if (event.sequence() <= 0) {
                rejections.add(rejection(i, 0, "event " + i + " has no valid sequence (" + event.sequence() + ")"));
            } else if (!agentId.equals(event.agentId())) {
                rejections.add(rejection(i, event.sequence(), "event " + i + " names agent " + event.agentId()
                        + " but the sender's certificate is agent " + agentId));
            } else {
                events.add(event);
                encoded.add(bytes);
            }
            highest = Math.max(highest, event.sequence());
        }
        return new Decoded(events, encoded, rejections, highest);
    }

    public static Rejection rejection(int index, long sequence, String reason) {
        return Rejection.newBuilder().setIndex(index).setSequence(Math.max(0, sequence)).setReason(reason).build();
    }

    /** The request an agent sends for a batch. */
    public static ShipRequest encode(List<Event> events) {
        ShipRequest.Builder builder = ShipRequest.newBuilder().setProtocolVersion(Protocol.VERSION);
        for (Event event : events) builder.addEvents(ByteString.copyFrom(EventCodec.encode(event)));
        return builder.build();
    }
}
