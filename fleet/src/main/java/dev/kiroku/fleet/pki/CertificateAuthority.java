package dev.kiroku.fleet.pki;

import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.regex.Pattern;

/**
 * The server's own certificate authority: created on first start in the server's PKI directory (or
 * taken from files the admin put there), it signs the server's TLS certificate and every agent's
 * certificate. An agent certificate's subject CN is the agent id, which is how the server knows who
 * is calling.
 */
public final class CertificateAuthority {
    /** The name in the server certificate that agents check; independent of the address they dial. */
    public static final String SERVER_NAME = "kiroku-server";
    private static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration LEAF_VALIDITY = Duration.ofDays(825);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate caCertificate;
    private final PrivateKey caKey;
    private final Path serverCertificateChain;
    private final Path serverKey;
    private final InstantSource clock;

    private CertificateAuthority(X509Certificate caCertificate, PrivateKey caKey, Path serverCertificateChain, Path serverKey,
                                 InstantSource clock) {
        this.caCertificate = caCertificate;
        this.caKey = caKey;
        this.serverCertificateChain = serverCertificateChain;
        this.serverKey = serverKey;
        this.clock = clock;
    }

    /** Loads the CA from {@code dir}, creating the CA and the server certificate if they are absent. */
    public static CertificateAuthority loadOrCreate(Path dir, InstantSource clock) throws IOException {
        Files.createDirectories(dir);
        Path caCert = dir.resolve("ca.crt");
        Path caKeyFile = dir.resolve("ca.key");
        if (!Files.exists(caCert)) {
            KeyPair pair = Keys.newKeyPair();
            X500Name name = new X500Name("CN=Kiroku fleet CA " + Long.toHexString(RANDOM.nextLong()));
            Instant now = clock.instant();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate certificate = convert(builder, pair.getPrivate());
            Pem.write(caKeyFile, Pem.privateKey(pair.getPrivate()), true);
            Pem.write(caCert, Pem.certificate(certificate), false);
        }
        CertificateAuthority ca = new CertificateAuthority(Pem.readCertificate(caCert), Pem.readPrivateKey(caKeyFile),
                dir.resolve("server.crt"), dir.resolve("server.key"), clock);
        if (!Files.exists(ca.serverCertificateChain)) ca.issueServerCertificate();
        return ca;
    }

    private void issueServerCertificate() throws IOException {
        KeyPair pair = Keys.newKeyPair();
        X509v3CertificateBuilder builder = leaf(new X500Name("CN=" + SERVER_NAME), pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                new GeneralName(GeneralName.dNSName, SERVER_NAME)}));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        X509Certificate certificate = convert(builder, caKey);
        Pem.write(serverKey, Pem.privateKey(pair.getPrivate()), true);
        Pem.write(serverCertificateChain, Pem.certificate(certificate) + Pem.certificate(caCertificate), false);
    }

    /**
     * The TLS certificate of the REST API and web console: signed by this CA for {@code names} (DNS names or IP
     * addresses, which browsers and HTTP clients check), written as {@code web.crt} (with the CA after it) and
     * {@code web.key} beside the CA, and issued again when it does not cover every name or expires within 30 days.
     *
     * @return the certificate chain file; the key is {@link #webKey()}
     */
    public synchronized Path webCertificate(java.util.Collection<String> names) throws IOException {
        Path chain = serverCertificateChain.resolveSibling("web.crt");
        Path key = webKey();
        java.util.Set<String> wanted = new java.util.TreeSet<>(names);
        if (Files.exists(chain) && Files.exists(key) && covers(Pem.readCertificate(chain), wanted)) return chain;
        KeyPair pair = Keys.newKeyPair();
        X509v3CertificateBuilder builder = leaf(new X500Name("CN=" + SERVER_NAME), pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(wanted.stream()
                .map(name -> new GeneralName(isAddress(name) ? GeneralName.iPAddress : GeneralName.dNSName, name))
                .toArray(GeneralName[]::new)));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        X509Certificate certificate = convert(builder, caKey);
        Pem.write(key, Pem.privateKey(pair.getPrivate()), true);
        Pem.write(chain, Pem.certificate(certificate) + Pem.certificate(caCertificate), false);
        return chain;
    }

    /** The private key of {@link #webCertificate}. */
    public Path webKey() {
        return serverKey.resolveSibling("web.key");
    }

    private boolean covers(X509Certificate certificate, java.util.Set<String> names) throws IOException {
        if (certificate.getNotAfter().toInstant().isBefore(clock.instant().plus(Duration.ofDays(30)))) return false;
        try {
            var present = new java.util.HashSet<String>();
            var alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) alternatives.forEach(entry -> present.add(String.valueOf(entry.get(1))));
            return names.stream().allMatch(name -> present.contains(name)
                    || isAddress(name) && present.contains(java.net.InetAddress.ofLiteral(name).getHostAddress()));
        } catch (java.security.cert.CertificateParsingException e) {
            return false;
        }
    }

    private static boolean isAddress(String name) {
        return name.matches("[0-9.]+") || name.contains(":");
    }

    /**
     * Signs an agent's request after checking its self-signature; the CN must be a valid agent id.
     *
     * @throws IllegalArgumentException naming what is wrong with the request
     */
    public X509Certificate signAgent(byte[] csrDer) {
        PKCS10CertificationRequest request;
        try {
            request = new PKCS10CertificationRequest(csrDer);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the certificate signing request is not valid PKCS#10 DER: " + e.getMessage());
        }
        try {
            if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(request.getSubjectPublicKeyInfo()))) {
                throw new IllegalArgumentException("the certificate signing request's signature does not verify");
            }
            String agentId = commonName(request.getSubject());
            if (agentId == null || !AGENT_ID.matcher(agentId).matches()) {
                throw new IllegalArgumentException("the request's CN must be an agent id (letters, digits, '.', '_', '-', at most 64), not " + agentId);
            }
            PublicKey key = new JcaPKCS10CertificationRequest(request).getPublicKey();
            X509v3CertificateBuilder builder = leaf(new X500Name("CN=" + agentId), key);
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            return convert(builder, caKey);
        } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException
                 | org.bouncycastle.pkcs.PKCSException e) {
            throw new IllegalArgumentException("cannot sign the request: " + e.getMessage());
        }
    }

    /** The agent id a certificate was issued to (its subject CN). */
    public static String agentId(X509Certificate certificate) {
        return commonName(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()));
    }

    /** A certificate's serial as the state store keeps it. */
    public static String serial(X509Certificate certificate) {
        return certificate.getSerialNumber().toString(16);
    }

    private static String commonName(X500Name name) {
        RDN[] rdns = name.getRDNs(BCStyle.CN);
        return rdns.length == 0 ? null : IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }

    private X509v3CertificateBuilder leaf(X500Name subject, PublicKey key) throws CertIOException {
        Instant now = clock.instant();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCertificate, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(LEAF_VALIDITY)), subject, key);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        return builder;
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).setBit(120);
    }

    private static X509Certificate convert(X509v3CertificateBuilder builder, PrivateKey signingKey) throws IOException {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(Keys.signer(signingKey)));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build certificate: " + e.getMessage(), e);
        }
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /** PEM file with the server certificate followed by the CA certificate. */
    public Path serverCertificateChain() {
        return serverCertificateChain;
    }

    public Path serverKey() {
        return serverKey;
    }

    public String fingerprint() {
        return Keys.fingerprint(caCertificate);
    }
}
