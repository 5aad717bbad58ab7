package dev.kiroku.response.lab;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A named network namespace ({@code ip netns add}) that this process created and deletes on
 * {@link #close()}, for tests and the benchmark: response actions that change the network are only
 * ever exercised inside such namespaces.
 *
 * <p>{@link #call} runs Java code with its sockets inside the namespace: a new platform thread
 * calls {@code setns(2)} on itself before the code runs (the network namespace is per thread).
 */
public final class NetworkNamespace implements AutoCloseable {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("open"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SETNS = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("setns"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("close"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final String name;

    private NetworkNamespace(String name) {
        this.name = name;
    }

    /** Creates the namespace with its loopback up. */
    public static NetworkNamespace create(String name) throws IOException {
        run("ip", "netns", "add", name);
        NetworkNamespace ns = new NetworkNamespace(name);
        try {
            ns.exec("ip", "link", "set", "lo", "up");
        } catch (IOException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    public String name() {
        return name;
    }

    /**
     * Connects this namespace to {@code peer} with a veth pair created inside the namespaces (the
     * host's network namespace is never touched) and gives each end an address.
     *
     * @param localCidr e.g. {@code 10.213.0.1/24}
     * @param peerCidr  e.g. {@code 10.213.0.2/24}
     */
    public void linkTo(NetworkNamespace peer, String localIf, String localCidr, String peerIf, String peerCidr)
            throws IOException {
        run("ip", "-n", name, "link", "add", localIf, "type", "veth", "peer", "name", peerIf, "netns", peer.name);
        exec("ip", "addr", "add", localCidr, "dev", localIf);
        exec("ip", "link", "set", localIf, "up");
        peer.exec("ip", "addr", "add", peerCidr, "dev", peerIf);
        peer.exec("ip", "link", "set", peerIf, "up");
    }

    /** Runs a command inside the namespace; fails with its output when it exits non-zero. */
    public String exec(String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    /** Runs {@code code} on a fresh thread whose network namespace is this one. */
    public <T> T call(Callable<T> code) throws Exception {
        FutureTask<T> task = new FutureTask<>(() -> {
            enter();
            return code.call();
        });
        Thread thread = Thread.ofPlatform().name("netns-" + name).daemon().start(task);
        try {
            return task.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        } finally {
            thread.join(1000);
        }
    }

    private void enter() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom("/run/netns/" + name, StandardCharsets.UTF_8);
            int fd = (int) OPEN.invokeExact(path, O_RDONLY_CLOEXEC);
            if (fd < 0) {
                throw new IOException("cannot open /run/netns/" + name);
            }
            int rc = (int) SETNS.invokeExact(fd, CLONE_NEWNET);
            int ignored = (int) CLOSE.invokeExact(fd);
            if (rc != 0) {
                throw new IOException("setns into " + name + " failed");
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("setns downcall failed", t);
        }
    }

    /** Deletes the namespace (and with it the veth ends inside it). */
    @Override
    public void close() throws IOException {
        run("ip", "netns", "del", name);
    }

    private static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + text.strip());
        }
        return text;
    }
}
