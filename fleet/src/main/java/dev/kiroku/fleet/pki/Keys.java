package dev.kiroku.fleet.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;

/** Key pairs (EC P-256), signing requests and certificate fingerprints. */
public final class Keys {
    static final String SIGNATURE = "SHA256withECDSA";

    private Keys() {
    }

    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make EC P-256 keys", e);
        }
    }

    /** A PKCS#10 request (DER) for {@code commonName}, signed with the pair's private key. */
    public static byte[] signingRequest(KeyPair pair, String commonName) throws IOException {
        var builder = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + commonName), pair.getPublic());
        return builder.build(signer(pair.getPrivate())).getEncoded();
    }

    static ContentSigner signer(PrivateKey key) {
        try {
            return new JcaContentSignerBuilder(SIGNATURE).build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign with " + SIGNATURE, e);
        }
    }

    /** SHA-256 of the certificate's DER, lower-case hex. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint certificate", e);
        }
    }
}
