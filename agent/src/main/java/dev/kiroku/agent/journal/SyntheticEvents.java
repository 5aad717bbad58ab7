package dev.kiroku.agent.journal;

import dev.kiroku.event.EntityIds;
import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.Payload;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.event.UserActivity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic stream of plausible endpoint events for benchmarks and tests: a live process
 * table with parents, a few dozen executables with fixed hashes, bursts of file activity by the
 * same process, connections to a pool of addresses, now and then a logon. Values vary the way they
 * do on a real host (pids, entity ids, temp names, ports, sub-millisecond timestamps).
 */
final class SyntheticEvents {
    private static final String[][] PROGRAMS = {
            {"/usr/bin/bash", "bash", "-c"}, {"/usr/bin/ls", "ls", "-la"}, {"/usr/bin/grep", "grep", "-r"},
            {"/usr/bin/curl", "curl", "-sS"}, {"/usr/bin/python3.12", "python3", "-m"}, {"/usr/bin/git", "git", "status"},
            {"/usr/bin/cat", "cat"}, {"/usr/sbin/sshd", "sshd", "-D"}, {"/usr/bin/sudo", "sudo", "-u"},
            {"/usr/lib/jvm/temurin-25-jdk-amd64/bin/java", "java", "-jar"}, {"/usr/bin/tar", "tar", "-xzf"},
            {"/usr/bin/make", "make", "-j4"}, {"/usr/bin/gcc-14", "gcc", "-O2"}, {"/usr/bin/node", "node"},
            {"/usr/sbin/cron", "cron", "-f"}, {"/usr/bin/systemctl", "systemctl", "status"}, {"/usr/bin/find", "find"},
            {"/usr/bin/sed", "sed", "-n"}, {"/usr/bin/awk", "awk"}, {"/usr/bin/vim.basic", "vim"},
            {"/usr/bin/dpkg", "dpkg", "-l"}, {"/usr/bin/apt-get", "apt-get", "update"}, {"/usr/bin/wget", "wget", "-q"},
            {"/usr/bin/ssh", "ssh", "-o"}, {"/usr/bin/rsync", "rsync", "-a"}, {"/usr/local/bin/kiroku", "kiroku", "agent"},
            {"/usr/bin/docker", "docker", "ps"}, {"/usr/bin/containerd-shim-runc-v2", "containerd-shim-runc-v2", "-namespace"},
            {"/usr/bin/ps", "ps", "aux"}, {"/usr/bin/nginx", "nginx", "-g"}};
    private static final String[] DIRS = {"/tmp", "/home/alice/project/src/main/java/org/acme", "/var/log/nginx",
            "/home/bob/.cache/pip", "/var/lib/docker/overlay2", "/etc/systemd/system", "/home/alice/Downloads",
            "/var/tmp", "/usr/lib/python3/dist-packages", "/opt/app/logs"};
    private static final String[] EXTENSIONS = {".java", ".log", ".tmp", ".py", ".json", ".gz", ".conf", "", ".so", ".sh"};
    private static final String[] USERS = {"root", "alice", "bob", "www-data", "postgres"};
    private static final int[] PORTS = {443, 443, 443, 80, 53, 22, 8080, 5432, 9200, 3306};

    private final SplittableRandom random;
    private final String agentId;
    private final String hostName;
    private final List<ProcessInfo> live = new ArrayList<>();
    private final String[] hashes = new String[PROGRAMS.length];
    private final List<String> addresses = new ArrayList<>();
    private Instant now;
    private ProcessInfo busy;

    SyntheticEvents(long seed, Instant start) {
        this.random = new SplittableRandom(seed);
        this.agentId = "agent-" + HexFormat.of().toHexDigits(random.nextLong());
        this.hostName = "web-" + random.nextInt(1, 99) + ".prod.example.internal";
        this.now = start;
        byte[] hash = new byte[32];
        for (int i = 0; i < hashes.length; i++) {
            random.nextBytes(hash);
            hashes[i] = HexFormat.of().formatHex(hash);
        }
        for (int i = 0; i < 400; i++) {
            addresses.add(random.nextInt(10) < 7
                    ? random.nextInt(1, 224) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(1, 255)
                    : "2001:db8:" + Integer.toHexString(random.nextInt(65536)) + "::" + Integer.toHexString(random.nextInt(65536)));
        }
        for (int i = 0; i < 60; i++) live.add(spawn());
        busy = live.getFirst();
    }

    List<Event> take(int count) {
        List<Event> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) events.add(next());
        return events;
    }

    Event next() {
        now = now.plusNanos(random.nextLong(1_000, 3_000_000));
        int kind = random.nextInt(100);
        Payload payload;
        if (kind < 10) {
            ProcessInfo p = spawn();
            live.add(p);
            busy = p;
            payload = new ProcessStart(p, false);
        } else if (kind < 19 && live.size() > 20) {
            ProcessInfo p = live.remove(random.nextInt(live.size()));
            payload = new ProcessExit(p, random.nextInt(10) < 8 ? 0 : random.nextInt(1, 3), 0);
        } else if (kind < 70) {
            if (random.nextInt(10) >= 7) busy = live.get(random.nextInt(live.size()));
            String dir = DIRS[random.nextInt(DIRS.length)];
            String path = dir + "/" + name();
            FileChange.Action action = FileChange.Action.values()[random.nextInt(FileChange.Action.values().length)];
            payload = new FileChange(action, path, action == FileChange.Action.RENAME ? dir + "/" + name() : null, false, busy);
        } else if (kind < 96) {
            ProcessInfo p = random.nextInt(10) < 6 ? busy : live.get(random.nextInt(live.size()));
            String destination = addresses.get(Math.min(random.nextInt(addresses.size()), random.nextInt(addresses.size())));
            payload = new NetworkActivity(NetworkActivity.Action.CONNECT, random.nextInt(10) < 8 ? "tcp" : "udp",
                    destination.contains(":") ? "fd00::5" : "10.0.3.17", random.nextInt(32768, 60999), destination,
                    PORTS[random.nextInt(PORTS.length)], random.nextInt(20) > 0, p);
        } else {
            String user = USERS[random.nextInt(USERS.length)];
            payload = new UserActivity(UserActivity.Action.LOGON, user, 1000 + random.nextInt(5), random.nextInt(10) > 0,
                    addresses.get(random.nextInt(addresses.size())), "ssh", "USER_LOGIN", "login",
                    live.get(random.nextInt(live.size())));
        }
        return Event.of(agentId, now, hostName, payload);
    }

    private String name() {
        return switch (random.nextInt(4)) {
            case 0 -> "tmp." + Long.toString(random.nextLong(1L << 40), 36);
            case 1 -> "Order" + random.nextInt(1000) + "Service" + EXTENSIONS[random.nextInt(EXTENSIONS.length)];
            case 2 -> "access.log." + random.nextInt(10);
            default -> "file-" + random.nextInt(100_000) + EXTENSIONS[random.nextInt(EXTENSIONS.length)];
        };
    }

    private ProcessInfo spawn() {
        int program = random.nextInt(PROGRAMS.length);
        String[] spec = PROGRAMS[program];
        int pid = random.nextInt(300, 4_000_000);
        long ticks = random.nextLong(1_000_000, 900_000_000);
        List<String> args = new ArrayList<>(List.of(spec).subList(1, spec.length));
        int extra = random.nextInt(4);
        for (int i = 0; i < extra; i++) {
            args.add(random.nextInt(3) == 0 ? DIRS[random.nextInt(DIRS.length)] + "/" + name() : "--opt" + random.nextInt(50));
        }
        ProcessInfo parent = live.isEmpty() ? null : live.get(random.nextInt(live.size()));
        ProcessInfo.ParentRef parentRef = parent == null
                ? new ProcessInfo.ParentRef(EntityIds.process(agentId, 1, 1), 1, "/usr/lib/systemd/systemd", List.of("/sbin/init"))
                : new ProcessInfo.ParentRef(parent.entityId(), parent.pid(), parent.executable(), parent.args());
        int u = random.nextInt(USERS.length);
        int uid = u == 0 ? 0 : 1000 + u;
        ProcessInfo.Credentials creds = new ProcessInfo.Credentials(uid, USERS[u], uid, USERS[u], uid, uid, uid);
        ProcessInfo.Namespaces ns = new ProcessInfo.Namespaces(
                u == 3 ? "/system.slice/nginx.service" : "/user.slice/user-" + uid + ".slice/session-" + random.nextInt(1, 9) + ".scope",
                null, 4026531836L, 4026531841L, 4026531840L);
        return new ProcessInfo(EntityIds.process(agentId, pid, ticks), pid, now.minusMillis(random.nextInt(5)), parentRef,
                spec[0], args, DIRS[random.nextInt(DIRS.length)], hashes[program], creds,
                random.nextInt(1, 40), random.nextInt(3) == 0 ? "pts/" + random.nextInt(4) : null, ns);
    }
}
