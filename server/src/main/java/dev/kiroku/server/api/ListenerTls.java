package dev.kiroku.server.api;

import dev.kiroku.fleet.pki.Pem;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/**
 * HTTPS for the REST API and console: a certificate chain and its key in PEM files (the server's web certificate,
 * signed by its own CA) turned into the Jetty connector the API listens on.
 *
 * @param certificateChain PEM file with the certificate followed by the CA
 * @param privateKey       PEM file with the certificate's private key
 */
public record ListenerTls(Path certificateChain, Path privateKey) {
    private static final char[] IN_MEMORY = "kiroku".toCharArray();

    /** A TLS connector on {@code host:port} serving HTTP/1.1. */
    ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keyStore());
        ssl.setKeyStorePassword(new String(IN_MEMORY));
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false); // admins reach the server by names the certificate may not list
        https.addCustomizer(secure);
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    private KeyStore keyStore() {
        try (InputStream in = Files.newInputStream(certificateChain)) {
            Certificate[] chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(Certificate[]::new);
            if (chain.length == 0) throw new IllegalStateException("no certificate in " + certificateChain);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("web", Pem.readPrivateKey(privateKey), IN_MEMORY, chain);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the HTTPS certificate " + certificateChain + " and key " + privateKey
                    + ": " + e.getMessage(), e);
        }
    }
}
