package dev.kiroku.fleet.client;

import dev.kiroku.fleet.pki.Keys;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * Trusts a server during enrolment only if its chain holds the CA whose fingerprint the enrolment
 * token carries and the server certificate is signed by that CA: the agent sends nothing to a
 * server that did not make its token.
 */
final class PinnedTrustManager extends X509ExtendedTrustManager {
    private final String caFingerprint;

    PinnedTrustManager(String caFingerprint) {
        this.caFingerprint = caFingerprint;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) throw new CertificateException("the server sent no certificate");
        for (X509Certificate candidate : chain) {
            if (!Keys.fingerprint(candidate).equals(caFingerprint)) continue;
            try {
                chain[0].checkValidity();
                chain[0].verify(candidate.getPublicKey());
                return;
            } catch (GeneralSecurityException e) {
                throw new CertificateException("the server certificate is not valid under the token's CA: " + e.getMessage(), e);
            }
        }
        throw new CertificateException("the server's CA does not match the enrolment token's fingerprint " + caFingerprint);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("an agent does not accept client connections");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
