package dev.kiroku.response;

import dev.kiroku.response.lab.NetworkNamespace;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Two namespaces joined by a veth pair: {@code endpoint} (10.213.N.1, the machine under test) and
 * {@code peer} (10.213.N.2, the "server" and "another host"), with TCP listeners in the peer that
 * accept and close. Everything is deleted on {@link #close()}.
 */
public final class NetnsLab implements AutoCloseable {
    public final NetworkNamespace endpoint;
    public final NetworkNamespace peer;
    public final String endpointAddress;
    public final String peerAddress;
    private final List<ServerSocket> listeners = new ArrayList<>();

    public NetnsLab(String tag) throws IOException {
        long pid = ProcessHandle.current().pid();
        int subnet = (int) (pid % 200) + 20;
        endpointAddress = "10.213." + subnet + ".1";
        peerAddress = "10.213." + subnet + ".2";
        endpoint = NetworkNamespace.create("kiroku-resp-" + pid + "-" + tag + "a");
        NetworkNamespace p = null;
        try {
            p = NetworkNamespace.create("kiroku-resp-" + pid + "-" + tag + "b");
            endpoint.linkTo(p, "kr" + tag + "a", endpointAddress + "/24", "kr" + tag + "b", peerAddress + "/24");
        } catch (IOException e) {
            endpoint.close();
            if (p != null) {
                p.close();
            }
            throw e;
        }
        peer = p;
    }

    /** Starts a listener in the peer namespace that accepts connections and closes them. */
    public void listenInPeer(int port) throws Exception {
        ServerSocket server = peer.call(() -> new ServerSocket(port, 50, java.net.InetAddress.getByName(peerAddress)));
        listeners.add(server);
        Thread.ofPlatform().daemon().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write('k');
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** Whether a TCP connection from the endpoint namespace to host:port succeeds within the timeout. */
    public boolean endpointReaches(String host, int port, int timeoutMillis) throws Exception {
        return endpoint.call(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), timeoutMillis);
                s.setSoTimeout(timeoutMillis);
                return s.getInputStream().read() == 'k';
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Override
    public void close() throws IOException {
        for (ServerSocket s : listeners) {
            s.close();
        }
        IOException first = null;
        for (NetworkNamespace ns : List.of(endpoint, peer)) {
            try {
                ns.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
