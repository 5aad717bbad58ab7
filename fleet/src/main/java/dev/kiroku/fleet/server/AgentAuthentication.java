package dev.kiroku.fleet.server;

import dev.kiroku.fleet.pki.CertificateAuthority;
import dev.kiroku.fleet.state.StateStore;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.X509Certificate;

/**
 * Authenticates every call to the Fleet service by the client certificate TLS verified: the agent id
 * is the certificate's CN, and the certificate's serial must be the one the server issued to that
 * agent and not revoked. Checked on every call, so a revocation takes effect at once.
 */
final class AgentAuthentication implements ServerInterceptor {
    static final Context.Key<String> AGENT_ID = Context.key("kiroku-agent-id");

    private final StateStore state;

    AgentAuthentication(StateStore state) {
        this.state = state;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        X509Certificate certificate;
        try {
            if (session == null) throw new SSLPeerUnverifiedException("no TLS session");
            certificate = (X509Certificate) session.getPeerCertificates()[0];
        } catch (SSLPeerUnverifiedException e) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription("this call needs an agent certificate; enrol first"));
        }
        String agentId = CertificateAuthority.agentId(certificate);
        String serial = CertificateAuthority.serial(certificate);
        return switch (state.certificate(serial, agentId)) {
            case ACTIVE -> Contexts.interceptCall(Context.current().withValue(AGENT_ID, agentId), call, headers, next);
            case REVOKED -> refuse(call, Status.PERMISSION_DENIED.withDescription("agent " + agentId + " has been revoked"));
            case UNKNOWN -> refuse(call, Status.UNAUTHENTICATED.withDescription("certificate " + serial + " for agent " + agentId
                    + " is not one this server issued"));
        };
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() { };
    }
}
