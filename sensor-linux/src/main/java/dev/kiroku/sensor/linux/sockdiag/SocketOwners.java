package dev.kiroku.sensor.linux.sockdiag;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps socket inodes to the pids holding them, by reading every {@code /proc/<pid>/fd/*} link
 * ({@code socket:[inode]}). Racy by nature: processes come and go during the scan; unreadable
 * entries are skipped.
 */
public final class SocketOwners {

    private SocketOwners() {
    }

    /** Inode to the pids (ascending) with a descriptor on it. */
    public static Map<Long, List<Integer>> scan(Path procRoot) {
        Map<Long, List<Integer>> owners = new HashMap<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(procRoot)) {
            for (Path process : processes) {
                String name = process.getFileName().toString();
                if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                int pid = Integer.parseInt(name);
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
                    for (Path fd : fds) {
                        long inode = socketInode(fd);
                        if (inode > 0) {
                            List<Integer> pids = owners.computeIfAbsent(inode, k -> new ArrayList<>(1));
                            if (!pids.contains(pid)) {
                                pids.add(pid);
                            }
                        }
                    }
                } catch (IOException | SecurityException e) {
                    // process gone or not ours to read
                }
            }
        } catch (IOException e) {
            return owners;
        }
        owners.values().forEach(l -> l.sort(null));
        return owners;
    }

    public static Map<Long, List<Integer>> scan() {
        return scan(Path.of("/proc"));
    }

    private static long socketInode(Path fd) {
        try {
            String target = Files.readSymbolicLink(fd).toString();
            if (target.startsWith("socket:[") && target.endsWith("]")) {
                return Long.parseLong(target, 8, target.length() - 1, 10);
            }
        } catch (IOException | NumberFormatException | SecurityException e) {
            return -1;
        }
        return -1;
    }
}
