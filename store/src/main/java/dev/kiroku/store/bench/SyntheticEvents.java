package dev.kiroku.store.bench;

import dev.kiroku.event.EntityIds;
import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;
import dev.kiroku.event.Payload;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Realistic-looking Linux endpoint events from a seed: a fleet of hosts, a few hundred executables
 * with fixed hashes, process starts with varied arguments, exits, file changes under varied paths
 * and connections to varied addresses. Deterministic for a seed.
 *
 * <p>By default every event has a process (and parent) of its own. {@link #withProcessTables} keeps
 * a table of running processes per host instead, as recorded data has: a start adds a child of a
 * running process, an exit ends one, and file and network events come from running processes, the
 * busy ones more often; entity ids then repeat over a process's events as they do on an endpoint.
 */
public final class SyntheticEvents {
    private static final String[] DIRS = {"/usr/bin", "/usr/sbin", "/bin", "/usr/local/bin", "/opt/app/bin", "/usr/lib/jvm/bin"};
    private static final String[] NAMES = {"bash", "sh", "curl", "wget", "python3", "java", "sshd", "cron", "systemd", "ls",
            "cat", "grep", "awk", "sed", "tar", "gzip", "nginx", "postgres", "node", "git", "make", "gcc", "ps", "top",
            "find", "rsync", "scp", "ssh", "sudo", "su", "id", "whoami", "uname", "hostname", "ip", "ss", "netstat",
            "docker", "containerd", "kubelet", "dockerd", "apt", "dpkg", "yum", "rpm", "perl", "ruby", "vim", "less", "tail"};
    private static final String[] USERS = {"root", "alice", "bob", "www-data", "postgres", "deploy", "nobody", "carol"};
    private static final String[] WORDS = {"--user", "admin", "-c", "-v", "--output", "/tmp/out", "-rf", "--config",
            "/etc/app.conf", "-p", "--verbose", "install", "status", "start", "-la", "--data", "http", "-o", "-X", "POST"};
    private static final String[] FILE_DIRS = {"/tmp", "/var/log", "/home/alice", "/home/bob/.cache", "/etc", "/var/lib/app/data",
            "/opt/app/tmp", "/var/spool/cron", "/usr/local/lib", "/run/user/1000"};
    private static final String[] EXTENSIONS = {"log", "tmp", "sh", "py", "conf", "json", "txt", "so", "gz", "db"};

    private final long seed;
    private final Random random;
    private final int hosts;
    private final List<String> executables = new ArrayList<>();
    private final List<String> hashes = new ArrayList<>();
    /** MD5 and SHA-1 per executable (the agent computes them with the SHA-256), or null when left out. */
    private List<String> md5s;
    private List<String> sha1s;
    /** Running processes per host, or null when every event has a process of its own. */
    private List<ProcessInfo>[] running;

    /** Processes a host runs at once in {@link #withProcessTables} mode. */
    private static final int RUNNING_PER_HOST = 48;

    /** Events whose processes live on, as on an endpoint (see the class comment). */
    @SuppressWarnings("unchecked")
    public static SyntheticEvents withProcessTables(long seed, int hosts) {
        SyntheticEvents events = new SyntheticEvents(seed, hosts);
        events.running = new List[hosts];
        return events;
    }

    /**
     * The same events, with the MD5 and SHA-1 of every executable as well (drawn from a random
     * generator of their own, so the rest of the events stays the same).
     */
    public SyntheticEvents withMoreHashes() {
        Random own = new Random(~seed);
        HexFormat hex = HexFormat.of();
        md5s = new ArrayList<>();
        sha1s = new ArrayList<>();
        for (int i = 0; i < executables.size(); i++) {
            byte[] md5 = new byte[16];
            byte[] sha1 = new byte[20];
            own.nextBytes(md5);
            own.nextBytes(sha1);
            md5s.add(hex.formatHex(md5));
            sha1s.add(hex.formatHex(sha1));
        }
        return this;
    }

    public SyntheticEvents(long seed, int hosts) {
        this.seed = seed;
        this.random = new Random(seed);
        this.hosts = hosts;
        HexFormat hex = HexFormat.of();
        for (String dir : DIRS) {
            for (String name : NAMES) {
                executables.add(dir + "/" + name);
                byte[] h = new byte[32];
                random.nextBytes(h);
                hashes.add(hex.formatHex(h));
            }
        }
    }

    public static String agent(int host) {
        return "agent-" + String.format("%04d", host);
    }

    public static String hostName(int host) {
        return "host-" + String.format("%04d", host) + ".corp.example";
    }

    /** A payload for an event of {@code host}; the envelope (sequence, time) is the caller's. */
    public Payload payload(int host) {
        int kind = random.nextInt(100);
        ProcessInfo p = running == null ? process(host) : kind < 35 ? started(host) : kind < 45 ? exited(host) : active(host);
        if (kind < 35) return new ProcessStart(p, false);
        if (kind < 45) return new ProcessExit(p, random.nextInt(10) < 8 ? 0 : random.nextInt(3) + 1, 0);
        if (kind < 70) {
            String dir = FILE_DIRS[random.nextInt(FILE_DIRS.length)];
            String path = dir + "/" + word(6) + random.nextInt(1000) + "." + EXTENSIONS[random.nextInt(EXTENSIONS.length)];
            FileChange.Action action = FileChange.Action.values()[random.nextInt(FileChange.Action.values().length)];
            return new FileChange(action, path, action == FileChange.Action.RENAME ? path + ".old" : null, false, p);
        }
        String ip = random.nextInt(3) == 0 ? "10." + random.nextInt(4) + "." + random.nextInt(256) + "." + random.nextInt(256)
                : random.nextInt(224) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
        int[] ports = {443, 80, 53, 22, 8080, 5432, 9200, 6443};
        int port = random.nextInt(10) < 8 ? ports[random.nextInt(ports.length)] : 1024 + random.nextInt(60000);
        return new NetworkActivity(NetworkActivity.Action.CONNECT, random.nextInt(5) == 0 ? "udp" : "tcp",
                "192.168." + (host % 256) + "." + (host / 256 + 2), 32768 + random.nextInt(28000), ip, port, random.nextInt(20) != 0, p);
    }

    public Event event(int host, long sequence, Instant at) {
        return new Event(agent(host), sequence, at, hostName(host), List.of(), payload(host));
    }

    public int hosts() {
        return hosts;
    }

    private ProcessInfo process(int host) {
        int exe = skewed(executables.size());
        String executable = executables.get(exe);
        int pid = 1000 + random.nextInt(4_000_000);
        long start = 1_000_000L + random.nextInt(100_000_000);
        List<String> args = new ArrayList<>();
        args.add(executable.substring(executable.lastIndexOf('/') + 1));
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            int r = random.nextInt(10);
            if (r < 6) args.add(WORDS[random.nextInt(WORDS.length)]);
            else if (r < 8) args.add(FILE_DIRS[random.nextInt(FILE_DIRS.length)] + "/" + word(5));
            else args.add(Integer.toString(random.nextInt(100_000)));
        }
        String agent = agent(host);
        int ppid = 1 + random.nextInt(3000);
        String user = USERS[skewed(USERS.length)];
        int uid = user.equals("root") ? 0 : 1000 + user.length();
        ProcessInfo process = new ProcessInfo(EntityIds.process(agent, pid, start), pid, Instant.ofEpochSecond(1_740_000_000L + start / 100),
                new ProcessInfo.ParentRef(EntityIds.process(agent, ppid, start / 2), ppid, executables.get(skewed(12)), List.of()),
                executable, args, "/home/" + user, hashes.get(exe),
                new ProcessInfo.Credentials(uid, user, uid, user, uid, uid, uid), random.nextInt(500), null, null);
        return md5s == null ? process : process.withHashes(md5s.get(exe), sha1s.get(exe), process.sha256());
    }

    /** A new process, child of one running on the host, which then runs on (replacing an arbitrary one when the table is full). */
    private ProcessInfo started(int host) {
        List<ProcessInfo> table = table(host);
        ProcessInfo parent = table.get(skewed(table.size()));
        ProcessInfo fresh = process(host);
        ProcessInfo child = new ProcessInfo(fresh.entityId(), fresh.pid(), fresh.startTime(),
                new ProcessInfo.ParentRef(parent.entityId(), parent.pid(), parent.executable(), parent.args()),
                fresh.executable(), fresh.args(), fresh.workingDirectory(), fresh.sha256(), fresh.user(), fresh.session(),
                fresh.tty(), fresh.namespaces(), fresh.md5(), fresh.sha1());
        if (table.size() < RUNNING_PER_HOST) table.add(child);
        else table.set(RUNNING_PER_HOST / 4 + random.nextInt(RUNNING_PER_HOST - RUNNING_PER_HOST / 4), child);
        return child;
    }

    /** A running process that exits (the first quarter of the table, the host's daemons, never does). */
    private ProcessInfo exited(int host) {
        List<ProcessInfo> table = table(host);
        if (table.size() <= RUNNING_PER_HOST / 4) return started(host);
        return table.remove(RUNNING_PER_HOST / 4 + random.nextInt(table.size() - RUNNING_PER_HOST / 4));
    }

    /** A running process, the long-lived ones more often. */
    private ProcessInfo active(int host) {
        List<ProcessInfo> table = table(host);
        return table.get(skewed(table.size()));
    }

    private List<ProcessInfo> table(int host) {
        List<ProcessInfo> table = running[host];
        if (table == null) {
            table = new ArrayList<>();
            running[host] = table;
            for (int i = 0; i < RUNNING_PER_HOST / 4; i++) table.add(process(host)); // the daemons started at boot
        }
        return table;
    }

    /** Small indices much more often than large ones, like real process popularity. */
    private int skewed(int size) {
        double x = random.nextDouble();
        return (int) (size * x * x * x);
    }

    private String word(int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) b.append((char) ('a' + random.nextInt(26)));
        return b.toString();
    }
}
