package dev.kiroku.fleet.client;

import com.google.protobuf.ByteString;
import dev.kiroku.fleet.pki.CertificateAuthority;
import dev.kiroku.fleet.pki.EnrolmentToken;
import dev.kiroku.fleet.pki.Keys;
import dev.kiroku.fleet.pki.Pem;
import dev.kiroku.fleet.proto.EnrollRequest;
import dev.kiroku.fleet.proto.EnrollResponse;
import dev.kiroku.fleet.proto.EnrollmentGrpc;
import dev.kiroku.fleet.wire.Protocol;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;

import java.io.IOException;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

/**
 * Enrols an agent: makes a key pair (the private key stays in the agent's directory), sends a
 * signing request with the token to the server, whose CA the token pins, and keeps the certificate.
 */
public final class Enroller {
    private Enroller() {
    }

    /** The refusal or failure of an enrolment, with the server's reason. */
    public static final class EnrolmentException extends IOException {
        public EnrolmentException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * @param address HOST:PORT of the server's fleet endpoint
     * @param agentId the id the agent asks to be certified as (its existing id)
     */
    public static void enrol(String address, String tokenText, String agentId, String hostName, AgentCredentials credentials)
            throws IOException {
        EnrolmentToken token;
        try {
            token = EnrolmentToken.parse(tokenText);
        } catch (IllegalArgumentException e) {
            throw new EnrolmentException("bad enrolment token: " + e.getMessage(), e);
        }
        KeyPair pair = Keys.newKeyPair();
        EnrollRequest request = EnrollRequest.newBuilder().setProtocolVersion(Protocol.VERSION).setToken(token.toString())
                .setCsr(ByteString.copyFrom(Keys.signingRequest(pair, agentId))).setHostName(hostName).build();
        ManagedChannel channel = Grpc.newChannelBuilder(address,
                        TlsChannelCredentials.newBuilder().trustManager(new PinnedTrustManager(token.caFingerprint())).build())
                .overrideAuthority(CertificateAuthority.SERVER_NAME).build();
        EnrollResponse response;
        try {
            response = EnrollmentGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).enroll(request);
        } catch (StatusRuntimeException e) {
            throw new EnrolmentException("enrolment at " + address + " failed: " + FleetClient.describe(e), e);
        } finally {
            channel.shutdownNow();
        }
        X509Certificate certificate = Pem.parseCertificate(response.getCertificate().toByteArray(), "the server's answer");
        X509Certificate ca = Pem.parseCertificate(response.getCaCertificate().toByteArray(), "the server's answer");
        if (!Keys.fingerprint(ca).equals(token.caFingerprint())) {
            throw new EnrolmentException("the server answered with a CA other than the token's", null);
        }
        if (!certificate.getPublicKey().equals(pair.getPublic()) || !agentId.equals(CertificateAuthority.agentId(certificate))) {
            throw new EnrolmentException("the server's certificate is not for this agent's key and id", null);
        }
        Files.createDirectories(credentials.directory());
        Pem.write(credentials.key(), Pem.privateKey(pair.getPrivate()), true);
        Pem.write(credentials.caCertificate(), Pem.certificate(ca), false);
        Pem.write(credentials.certificate(), Pem.certificate(certificate), false);
        credentials.rememberServer(address);
    }
}
