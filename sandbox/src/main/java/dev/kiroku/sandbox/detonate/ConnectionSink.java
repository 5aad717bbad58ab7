package dev.kiroku.sandbox.detonate;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Listens inside the sandbox's network namespace and records what the sample tries: TCP connections
 * to any address on the common ports (with the first bytes sent) and DNS queries, which it answers
 * with the sink's own address so that the sample goes on to connect here. It never sends anything
 * but DNS answers. Open it on a thread that has joined the namespace ({@link NetnsThreads}).
 */
final class ConnectionSink implements AutoCloseable {
    /** Ports listened on: services, reverse-shell and C2 favourites, mining pools. */
    static final List<Integer> PORTS = List.of(21, 22, 23, 25, 80, 443, 1337, 2222, 3333, 4444, 4443, 5555, 6666, 6667,
            7777, 8000, 8080, 8443, 8888, 9001, 9999, 14444, 31337);
    private static final int PREVIEW = 256;

    /** One connection that reached the sink. */
    record Connection(Instant time, String destinationIp, int destinationPort, String firstBytes) {
    }

    /** One DNS question. */
    record Query(Instant time, String name, String type) {
    }

    private final List<ServerSocket> listeners;
    private final DatagramSocket dns;
    private final InetAddress answer;
    private final ConcurrentLinkedQueue<Connection> connections = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Query> queries = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    private ConnectionSink(List<ServerSocket> listeners, DatagramSocket dns, InetAddress answer) {
        this.listeners = listeners;
        this.dns = dns;
        this.answer = answer;
    }

    /** Binds every socket; must run in the namespace. */
    static ConnectionSink open(String address) throws IOException {
        List<ServerSocket> listeners = new ArrayList<>();
        try {
            for (int port : PORTS) {
                ServerSocket socket = new ServerSocket();
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress("0.0.0.0", port), 64);
                listeners.add(socket);
            }
            InetAddress sinkAddress = InetAddress.getByName(address);
            return new ConnectionSink(listeners, new DatagramSocket(new InetSocketAddress(sinkAddress, 53)), sinkAddress);
        } catch (IOException e) {
            for (ServerSocket s : listeners) s.close();
            throw new IOException("cannot open the connection sink: " + e.getMessage(), e);
        }
    }

    void start() {
        for (ServerSocket listener : listeners) threads.add(Thread.ofVirtual().name("kiroku-sink-" + listener.getLocalPort()).start(() -> accept(listener)));
        threads.add(Thread.ofVirtual().name("kiroku-sink-dns").start(this::answerDns));
    }

    List<Connection> connections() {
        return List.copyOf(connections);
    }

    List<Query> queries() {
        return List.copyOf(queries);
    }

    private void accept(ServerSocket listener) {
        while (!closed) {
            try {
                Socket socket = listener.accept();
                Thread.ofVirtual().start(() -> record(socket));
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void record(Socket socket) {
        Instant time = Instant.now();
        String destination = socket.getLocalAddress().getHostAddress();
        int port = socket.getLocalPort();
        byte[] first = new byte[0];
        try (socket; InputStream in = socket.getInputStream()) {
            socket.setSoTimeout(1500);
            byte[] buffer = new byte[PREVIEW];
            int n = in.readNBytes(buffer, 0, PREVIEW);
            first = java.util.Arrays.copyOf(buffer, n);
        } catch (IOException e) {
            // the timeout ends the preview; what arrived before it is kept below
        }
        connections.add(new Connection(time, destination, port, printable(first)));
    }

    private void answerDns() {
        byte[] buffer = new byte[512];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                dns.receive(packet);
                DnsMessage.Question question = DnsMessage.question(buffer, packet.getLength());
                if (question == null) continue;
                queries.add(new Query(Instant.now(), question.name(), question.typeName()));
                byte[] reply = DnsMessage.answer(buffer, question, answer.getAddress());
                dns.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
            } catch (SocketException e) {
                if (closed) return;
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private static String printable(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xFF;
            out.append(c >= 0x20 && c < 0x7F ? (char) c : c == '\n' ? "\\n" : ".");
        }
        return out.toString();
    }

    @Override
    public void close() {
        closed = true;
        for (ServerSocket s : listeners) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a listener cannot fail in a way that matters here
            }
        }
        dns.close();
        for (Thread t : threads) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

}
