package dev.kiroku.sandbox.detonate;

import java.io.ByteArrayOutputStream;

/** Just enough DNS to read a query's question and answer it with one A record. */
final class DnsMessage {
    private DnsMessage() {
    }

    /** The first question: name, type, and where the question section ends. */
    record Question(String name, int type, int end) {
        String typeName() {
            return switch (type) {
                case 1 -> "A";
                case 28 -> "AAAA";
                case 15 -> "MX";
                case 16 -> "TXT";
                case 5 -> "CNAME";
                default -> Integer.toString(type);
            };
        }
    }

    /** The question of a query, or null when the packet is not a well-formed query. */
    static Question question(byte[] b, int length) {
        if (length < 17 || (b[2] & 0x80) != 0 || ((b[4] & 0xFF) << 8 | b[5] & 0xFF) < 1) return null;
        StringBuilder name = new StringBuilder();
        int at = 12;
        while (at < length) {
            int label = b[at] & 0xFF;
            if (label == 0) break;
            if (label > 63 || at + 1 + label > length) return null;
            if (!name.isEmpty()) name.append('.');
            for (int i = 1; i <= label; i++) {
                int c = b[at + i] & 0xFF;
                name.append(c > 0x20 && c < 0x7F ? (char) c : '?');
            }
            at += 1 + label;
        }
        if (at + 5 > length) return null;
        int type = (b[at + 1] & 0xFF) << 8 | b[at + 2] & 0xFF;
        return new Question(name.toString(), type, at + 5);
    }

    /** A response with the question and, for A queries, one A record with the given address. */
    static byte[] answer(byte[] query, Question q, byte[] address) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean a = q.type() == 1;
        out.write(query[0]);
        out.write(query[1]);
        out.write(0x81 | (query[2] & 0x01)); // response, recursion desired copied
        out.write(0x80); // recursion available, NOERROR
        out.writeBytes(new byte[]{0, 1, 0, (byte) (a ? 1 : 0), 0, 0, 0, 0});
        out.write(query, 12, q.end() - 12);
        if (a) {
            out.writeBytes(new byte[]{(byte) 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4});
            out.writeBytes(address);
        }
        return out.toByteArray();
    }
}
