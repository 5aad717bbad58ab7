package dev.kiroku.fleet.server;

import dev.kiroku.fleet.pki.CertificateAuthority;
import dev.kiroku.fleet.pki.EnrolmentToken;
import dev.kiroku.fleet.proto.EnrollRequest;
import dev.kiroku.fleet.proto.EnrollResponse;
import dev.kiroku.fleet.proto.EnrollmentGrpc;
import dev.kiroku.fleet.state.StateStore;
import dev.kiroku.fleet.wire.Protocol;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/** Exchanges a valid, unexpired enrolment token and a signing request for an agent certificate. */
final class EnrollmentService extends EnrollmentGrpc.EnrollmentImplBase {
    private final CertificateAuthority ca;
    private final StateStore state;
    private final InstantSource clock;

    EnrollmentService(CertificateAuthority ca, StateStore state, InstantSource clock) {
        this.ca = ca;
        this.state = state;
        this.clock = clock;
    }

    @Override
    public void enroll(EnrollRequest request, StreamObserver<EnrollResponse> response) {
        try {
            response.onNext(enroll(request));
            response.onCompleted();
        } catch (Refusal e) {
            response.onError(e.status.asRuntimeException());
        }
    }

    private synchronized EnrollResponse enroll(EnrollRequest request) throws Refusal {
        if (request.getProtocolVersion() != Protocol.VERSION) {
            throw new Refusal(Status.FAILED_PRECONDITION.withDescription("protocol version " + request.getProtocolVersion()
                    + " is not supported; this server speaks " + Protocol.VERSION));
        }
        EnrolmentToken token;
        try {
            token = EnrolmentToken.parse(request.getToken());
        } catch (IllegalArgumentException e) {
            throw new Refusal(Status.UNAUTHENTICATED.withDescription("enrolment refused: " + e.getMessage()));
        }
        Instant now = clock.instant();
        Optional<StateStore.Token> known = state.token(token.hash());
        if (known.isEmpty() || !token.caFingerprint().equals(ca.fingerprint())) {
            throw new Refusal(Status.UNAUTHENTICATED.withDescription("enrolment refused: this server did not issue that token"));
        }
        if (known.get().expiredAt(now)) {
            throw new Refusal(Status.UNAUTHENTICATED.withDescription("enrolment refused: the token expired at " + known.get().expires()));
        }
        X509Certificate certificate;
        try {
            certificate = ca.signAgent(request.getCsr().toByteArray());
        } catch (IllegalArgumentException e) {
            throw new Refusal(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        }
        String agentId = CertificateAuthority.agentId(certificate);
        String host = request.getHostName().isBlank() ? agentId : request.getHostName().strip();
        try {
            state.enrol(agentId, host, known.get().group(), CertificateAuthority.serial(certificate), now);
        } catch (IllegalStateException e) {
            throw new Refusal(Status.ALREADY_EXISTS.withDescription(e.getMessage() + "; an agent enrols once (unenrolled agents need a fresh data directory)"));
        }
        state.tokenUsed(token.hash());
        state.audit("agent:" + agentId, "enrol", "host " + host + ", group " + known.get().group() + ", certificate "
                + CertificateAuthority.serial(certificate), now);
        try {
            return EnrollResponse.newBuilder().setAgentId(agentId)
                    .setCertificate(com.google.protobuf.ByteString.copyFrom(certificate.getEncoded()))
                    .setCaCertificate(com.google.protobuf.ByteString.copyFrom(ca.caCertificate().getEncoded())).build();
        } catch (CertificateEncodingException e) {
            throw new Refusal(Status.INTERNAL.withDescription("cannot encode the certificate: " + e.getMessage()));
        }
    }

    private static final class Refusal extends Exception {
        final transient Status status;

        Refusal(Status status) {
            super(status.getDescription(), null, false, false);
            this.status = status;
        }
    }
}
