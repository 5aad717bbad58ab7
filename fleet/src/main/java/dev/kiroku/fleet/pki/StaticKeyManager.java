package dev.kiroku.fleet.pki;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * One private key and its certificate, handed to TLS as they are. Giving TLS the PEM files instead makes Netty build a
 * PKCS#12 key store in memory, which encrypts and decrypts the key with PBKDF2 on every channel: that was most of the
 * CPU of connecting an agent (about 0.2 s per client on a loaded machine; 100 simulated agents in the response
 * benchmark paid it 100 times).
 */
public final class StaticKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "kiroku";
    private final PrivateKey key;
    private final X509Certificate[] chain;

    private StaticKeyManager(PrivateKey key, X509Certificate certificate) {
        this.key = key;
        this.chain = new X509Certificate[] {certificate};
    }

    /** The agent's (or server's) PEM key and certificate files. */
    public static StaticKeyManager fromPem(Path certificate, Path key) throws IOException {
        return new StaticKeyManager(Pem.readPrivateKey(key), Pem.readCertificate(certificate));
    }

    private String alias(String keyType) {
        return keyType == null || keyType.startsWith(key.getAlgorithm()) ? ALIAS : null;
    }

    private String[] aliases(String keyType) {
        String alias = alias(keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return aliases(keyType);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return chooseAlias(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return chooseAlias(keyTypes);
    }

    private String chooseAlias(String[] keyTypes) {
        if (keyTypes == null) return ALIAS;
        for (String type : keyTypes) {
            if (alias(type) != null) return ALIAS;
        }
        return null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return aliases(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return alias(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return alias(keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }
}
