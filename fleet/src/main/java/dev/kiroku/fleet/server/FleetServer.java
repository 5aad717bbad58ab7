package dev.kiroku.fleet.server;

import dev.kiroku.fleet.pki.CertificateAuthority;
import dev.kiroku.fleet.pki.Pem;
import dev.kiroku.fleet.state.StateStore;
import dev.kiroku.fleet.wire.Protocol;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC endpoint agents talk to: TLS with the server certificate of the fleet CA; client
 * certificates are optional at the TLS level (enrolment has none yet) and required by every Fleet
 * call ({@link AgentAuthentication}).
 */
public final class FleetServer implements AutoCloseable {
    private final Server server;
    private final FleetService fleet;

    private FleetServer(Server server, FleetService fleet) {
        this.server = server;
        this.fleet = fleet;
    }

    /**
     * Starts listening on {@code host:port} (0 picks a free port).
     *
     * @param concurrentStores batches stored at once, server-wide (back-pressure beyond that)
     */
    public static FleetServer start(String host, int port, CertificateAuthority ca, StateStore state, BatchReceiver receiver,
                                    InstantSource clock, int concurrentStores) throws IOException {
        TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder()
                .keyManager(ca.serverCertificateChain().toFile(), ca.serverKey().toFile())
                .trustManager(new ByteArrayInputStream(Pem.certificate(ca.caCertificate()).getBytes(StandardCharsets.US_ASCII)))
                .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL);
        FleetService fleet = new FleetService(state, receiver, clock, concurrentStores);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port), tls.build())
                .maxInboundMessageSize(Protocol.MAX_MESSAGE_BYTES)
                // Agents keep a Listen call open and ping it; dead peers are found by the server's own pings.
                .permitKeepAliveTime(10, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true)
                .keepAliveTime(60, TimeUnit.SECONDS).keepAliveTimeout(20, TimeUnit.SECONDS)
                .addService(new EnrollmentService(ca, state, clock))
                .addService(ServerInterceptors.intercept(fleet, new AgentAuthentication(state)))
                .build();
        server.start();
        return new FleetServer(server, fleet);
    }

    /**
     * Pushes the commands now pending for these agents over their open {@code Listen} calls; agents without one
     * get them with their next heartbeat.
     */
    public void commandsIssued(Collection<String> agentIds) {
        fleet.push().wake(agentIds);
    }

    /** Agents holding a {@code Listen} call open now. */
    public int listeningAgents() {
        return fleet.push().connected();
    }

    public int port() {
        return server.getPort();
    }

    /** Events the store took through this endpoint since start. */
    public long eventsStored() {
        return fleet.eventsStored();
    }

    public long eventsRejected() {
        return fleet.eventsRejected();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        } finally {
            fleet.close();
        }
    }
}
