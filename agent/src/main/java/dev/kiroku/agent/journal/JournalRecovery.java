package dev.kiroku.agent.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What opening a journal directory finds: its segments (damaged tails cut off, damaged blocks
 * counted), the cursor, and the problems met on the way.
 */
record JournalRecovery(TreeMap<Long, Segment> segments, Cursor cursor, long truncatedBytes, ReadProblems problems) {

    static JournalRecovery recover(Path dir) throws IOException {
        ReadProblems problems = new ReadProblems();
        Files.deleteIfExists(dir.resolve(Cursor.TEMP));
        Cursor cursor;
        try {
            cursor = Cursor.read(dir);
        } catch (IOException e) {
            problems.report("cursor unreadable, acknowledged sequence reset to 0 (events are shipped again): " + e.getMessage());
            cursor = Cursor.EMPTY;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = new ArrayList<>(list.filter(p -> Segment.isSegmentName(p.getFileName().toString())).sorted().toList());
        }
        TreeMap<Long, Segment> segments = new TreeMap<>();
        long truncated = 0;
        for (int i = 0; i < files.size(); i++) {
            Path path = files.get(i);
            boolean last = i == files.size() - 1;
            Segment.Scan scan = Segment.scan(path, last);
            for (int d = 0; d < scan.damagedRegions(); d++) {
                problems.corruptBlock(path.getFileName() + "#damaged-region-" + d, "skipped while opening");
            }
            if (scan.validEnd() == 0 && scan.fileBytes() >= Segment.HEADER_BYTES) {
                problems.corruptBlock(path.getFileName() + "#header", scan.problem() + "; file left in place, not read");
                continue;
            }
            if (scan.blocks().isEmpty()) { // torn while being created: nothing in it was ever complete
                truncated += scan.fileBytes();
                Files.delete(path);
                continue;
            }
            if (scan.tailBytes() > 0) {
                try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                    channel.truncate(scan.validEnd());
                    channel.force(true);
                }
                truncated += scan.tailBytes();
                // Only the newest segment can be torn by a crash; elsewhere a bad tail is damage.
                if (!last) problems.corruptBlock(path.getFileName() + "#tail", "damaged tail of a closed segment");
                problems.report(path.getFileName() + ": cut off " + scan.tailBytes() + " bytes of torn or damaged tail at offset "
                        + scan.validEnd());
            }
            long first = Long.parseLong(path.getFileName().toString().substring(0, 20));
            Segment segment = new Segment(path, first);
            segment.blocks.addAll(scan.blocks());
            segment.bytes = scan.validEnd();
            segments.put(first, segment);
        }
        return new JournalRecovery(segments, cursor, truncated, problems);
    }
}
