package dev.kiroku.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace a test creates ({@code ip netns add kiroku-ROLE-PID}), with its loopback up, and removes in
 * {@link #close()} together with every veth pair that has an end inside it. Network changes of the tests happen only
 * inside such namespaces, plus the host end of a veth pair that {@link #linkToHost} creates (gone when the namespace
 * is deleted, because deleting one end of a veth pair deletes the other).
 */
final class NetworkNamespace implements AutoCloseable {
    private static final AtomicInteger LINKS = new AtomicInteger();
    final String name;

    private NetworkNamespace(String name) {
        this.name = name;
    }

    /** Creates {@code kiroku-ROLE-PID}, removing a stale one of the same name a crashed run left behind. */
    static NetworkNamespace create(String role) throws IOException, InterruptedException {
        String name = "kiroku-" + role + "-" + ProcessHandle.current().pid();
        run(false, "ip", "netns", "delete", name);
        run(true, "ip", "netns", "add", name);
        NetworkNamespace namespace = new NetworkNamespace(name);
        try {
            namespace.exec("ip", "link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            namespace.close();
            throw e;
        }
        return namespace;
    }

    /** {@link #create(String)}, added to the list a test removes in finally. */
    static NetworkNamespace create(String role, java.util.List<NetworkNamespace> owned) throws IOException, InterruptedException {
        NetworkNamespace namespace = create(role);
        owned.add(namespace);
        return namespace;
    }

    /**
     * Connects this namespace to another with a veth pair: {@code mine/prefix} on this side, {@code theirs/prefix} on
     * the other (null for the host namespace), both up. Returns the name of the interface on this side.
     */
    String link(NetworkNamespace other, String mine, String theirs, int prefix) throws IOException, InterruptedException {
        int n = LINKS.incrementAndGet();
        String here = "kv" + ProcessHandle.current().pid() % 100_000 + "a" + n;
        String there = "kv" + ProcessHandle.current().pid() % 100_000 + "b" + n;
        run(true, "ip", "link", "add", here, "type", "veth", "peer", "name", there);
        run(true, "ip", "link", "set", here, "netns", name);
        exec("ip", "addr", "add", mine + "/" + prefix, "dev", here);
        exec("ip", "link", "set", here, "up");
        if (other != null) {
            run(true, "ip", "link", "set", there, "netns", other.name);
            other.exec("ip", "addr", "add", theirs + "/" + prefix, "dev", there);
            other.exec("ip", "link", "set", there, "up");
        } else {
            run(true, "ip", "addr", "add", theirs + "/" + prefix, "dev", there);
            run(true, "ip", "link", "set", there, "up");
        }
        return here;
    }

    /** {@link #link} to the host namespace. */
    String linkToHost(String mine, String host, int prefix) throws IOException, InterruptedException {
        return link(null, mine, host, prefix);
    }

    /** Runs a command inside the namespace and waits for it; fails with its output when it exits non-zero. */
    String exec(String... command) throws IOException, InterruptedException {
        return run(true, inside(command).toArray(String[]::new));
    }

    /** The command line that runs {@code command} inside this namespace. */
    List<String> inside(String... command) {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", name));
        line.addAll(List.of(command));
        return line;
    }

    /** Adds an nftables table inside the namespace (only there) that drops TCP to {@code address:port}. */
    void dropTcpTo(String address, int port) throws IOException, InterruptedException {
        exec("nft", "add table inet kiroku_cut; add chain inet kiroku_cut input { type filter hook input priority 0 ; } ; "
                + "add rule inet kiroku_cut input ip daddr " + address + " tcp dport " + port + " drop");
    }

    /** Removes the table of {@link #dropTcpTo}. */
    void restoreTcp() throws IOException, InterruptedException {
        exec("nft", "delete table inet kiroku_cut");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(false, "ip", "netns", "delete", name);
    }

    private static String run(boolean check, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in 30 s");
        }
        if (check && process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + ": " + output.strip());
        }
        return output;
    }
}
