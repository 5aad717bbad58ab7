package dev.kiroku.server.api;

import dev.kiroku.fleet.pki.Pem;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * How REST clients (the command line, tests, benchmarks) trust a Kiroku server's HTTPS: the certificates the JVM
 * trusts anyway, plus the server's own CA ({@code <server data>/pki/ca.crt}) when its file is given and readable.
 * Host names are still verified against the certificate.
 */
public final class ServerTrust {
    private ServerTrust() {
    }

    /** An HTTP client builder that trusts {@code caCertificate} (null or absent: the JVM's defaults only). */
    public static HttpClient.Builder httpClient(Path caCertificate) {
        HttpClient.Builder builder = HttpClient.newBuilder();
        return caCertificate == null || !Files.isReadable(caCertificate) ? builder : builder.sslContext(sslContext(caCertificate));
    }

    /** A TLS context trusting the JVM's default authorities and the CA certificate in the PEM file. */
    public static SSLContext sslContext(Path caCertificate) {
        try {
            KeyStore own = KeyStore.getInstance("PKCS12");
            own.load(null, null);
            own.setCertificateEntry("kiroku-ca", Pem.readCertificate(caCertificate));
            X509TrustManager trusted = new Either(trustManager(own), trustManager(null));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[]{trusted}, null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the server's CA certificate " + caCertificate + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust the CA certificate " + caCertificate + ": " + e.getMessage(), e);
        }
    }

    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return Arrays.stream(factory.getTrustManagers()).filter(X509TrustManager.class::isInstance)
                .map(X509TrustManager.class::cast).findFirst().orElseThrow();
    }

    /** Trusts a server chain that either manager trusts. */
    private record Either(X509TrustManager first, X509TrustManager second) implements X509TrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                first.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                second.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a REST client does not check client certificates");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return Stream.concat(Arrays.stream(first.getAcceptedIssuers()), Arrays.stream(second.getAcceptedIssuers()))
                    .toArray(X509Certificate[]::new);
        }
    }
}
