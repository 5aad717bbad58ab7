package dev.kiroku.agent.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The small state file beside the segments: the acknowledged sequence and the loss counters that
 * must survive restarts. Text, one key=value per line, ending with a CRC line; replaced atomically
 * (write a temporary file, fsync, rename, fsync the directory).
 *
 * @param acknowledged     every event up to this sequence was received by the server
 * @param lostToCap        unacknowledged events deleted because the size cap forced it
 * @param droppedWhileFull events dropped because the disk refused writes and the buffer was full
 */
record Cursor(long acknowledged, long lostToCap, long droppedWhileFull) {
    static final String FILE = "cursor";
    static final String TEMP = "cursor.tmp";
    private static final String FIRST_LINE = "kiroku-journal-cursor 1";

    static final Cursor EMPTY = new Cursor(0, 0, 0);

    /** The cursor in {@code dir}, EMPTY when there is none yet. */
    static Cursor read(Path dir) throws IOException {
        String text;
        try {
            text = Files.readString(dir.resolve(FILE), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return EMPTY;
        }
        int crcLine = text.lastIndexOf("crc=");
        if (!text.startsWith(FIRST_LINE + "\n") || crcLine < 0) {
            throw new IOException(dir.resolve(FILE) + ": not a journal cursor file");
        }
        String body = text.substring(0, crcLine);
        String crc = text.substring(crcLine + 4).strip();
        if (!crc.equals(crc(body))) throw new IOException(dir.resolve(FILE) + ": checksum mismatch");
        Map<String, Long> values = new HashMap<>();
        for (String line : body.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                try {
                    values.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
                } catch (NumberFormatException e) {
                    throw new IOException(dir.resolve(FILE) + ": bad number in line '" + line + "'");
                }
            }
        }
        return new Cursor(values.getOrDefault("acknowledged", 0L), values.getOrDefault("lost_to_cap", 0L),
                values.getOrDefault("dropped_while_full", 0L));
    }

    void write(Path dir, ChannelOpener opener) throws IOException {
        String body = FIRST_LINE + "\nacknowledged=" + acknowledged + "\nlost_to_cap=" + lostToCap
                + "\ndropped_while_full=" + droppedWhileFull + "\n";
        byte[] bytes = (body + "crc=" + crc(body) + "\n").getBytes(StandardCharsets.UTF_8);
        Path temp = dir.resolve(TEMP);
        try (FileChannel channel = opener.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) channel.write(buffer);
            channel.force(true);
        }
        Files.move(temp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(dir);
    }

    /** Makes a rename or a new file in {@code dir} durable (Linux allows fsync on a directory). */
    static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open directories; the rename is still atomic, only not yet durable.
        }
    }

    private static String crc(String body) {
        CRC32C crc = new CRC32C();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }
}
