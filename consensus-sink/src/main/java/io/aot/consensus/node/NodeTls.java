package io.aot.consensus.node;

import io.aot.consensus.storage.StartRefusedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * TLS for a validator's peer links and RPC port, from PEM files in {@code home/tls/}: {@code node.crt} (this node's
 * certificate, then any intermediates), {@code node.key} (its private key: PKCS#8, or PKCS#1 / SEC1) and
 * {@code ca.crt} (the consortium's CA certificates). All three present: TLS 1.3 everywhere; none: plain TCP; some:
 * the validator refuses to start.
 *
 * <p>Peer links use mutual TLS: both ends show a certificate of the consortium CA, so a machine outside the
 * consortium cannot even reach the handshake. The signed handshake stays inside the channel: a peer's identity is
 * still its consensus key, which no certificate replaces (CometBFT's SecretConnection authenticates by the node key
 * the same way). The RPC port uses server TLS: clients check the validator against the CA ({@link #clientContext}).
 * Host names are not checked: validators are named by their keys, not by DNS.
 */
public record NodeTls(Path certPem, Path keyPem, Path caPem) {

    /** The folder of a validator's home that holds its TLS files. */
    public static final String FOLDER = "tls";

    /**
     * The TLS files of {@code home}, if any.
     *
     * @throws IOException when only some of the three files are there (a half-configured node must not fall back to
     *                     plain TCP)
     */
    public static Optional<NodeTls> in(Path home) throws IOException {
        Path dir = home.resolve(FOLDER);
        NodeTls tls = new NodeTls(dir.resolve("node.crt"), dir.resolve("node.key"), dir.resolve("ca.crt"));
        List<Path> files = List.of(tls.certPem, tls.keyPem, tls.caPem);
        long present = files.stream().filter(Files::isRegularFile).count();
        if (present == 0) {
            return Optional.empty();
        }
        if (present < files.size()) {
            throw new StartRefusedException(dir + " must hold node.crt, node.key and ca.crt (TLS), or none of them"
                    + " (plain TCP);"
                    + " missing: " + files.stream().filter(f -> !Files.isRegularFile(f)).map(Path::getFileName).toList());
        }
        return Optional.of(tls);
    }

    /** This node's certificate and key, trusting the consortium CA: for both ends of peer links and the RPC server. */
    public SSLContext context() throws IOException {
        try {
            List<X509Certificate> chain = certificates(certPem);
            if (chain.isEmpty()) {
                throw new IOException(certPem + " holds no certificate");
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            char[] none = new char[0];
            keys.setKeyEntry("node", privateKey(keyPem), none, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, none);
            SSLContext ssl = SSLContext.getInstance("TLSv1.3");
            ssl.init(kmf.getKeyManagers(), trustManagers(caPem), new SecureRandom());
            return ssl;
        } catch (GeneralSecurityException | IOException e) {
            throw new StartRefusedException("TLS files in " + certPem.getParent() + " do not make a key and"
                    + " certificate: " + e.getMessage());
        }
    }

    /** A client of the RPC port that trusts the validators of the CA in {@code caPem}. */
    public static SSLContext clientContext(Path caPem) throws IOException {
        try {
            SSLContext ssl = SSLContext.getInstance("TLSv1.3");
            ssl.init(null, trustManagers(caPem), new SecureRandom());
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IOException(caPem + " does not hold CA certificates: " + e.getMessage(), e);
        }
    }

    /**
     * A consortium CA for a local testnet, and a certificate from it for each home (written into its {@code tls/}).
     * The CA's private key stays in {@code dir/consortium-ca.key}, outside every home. Production consortia bring
     * their own CA.
     */
    public static void issueTestnet(Path dir, List<Path> homes) throws IOException {
        try {
            KeyPair ca = ecKey();
            X509Certificate caCert = certificate("CN=AOT consortium CA (testnet)", ca, "CN=AOT consortium CA (testnet)",
                    ca, true);
            writePem(dir.resolve("consortium-ca.key"), ca.getPrivate());
            writePem(dir.resolve("consortium-ca.crt"), caCert);
            for (int i = 0; i < homes.size(); i++) {
                KeyPair node = ecKey();
                X509Certificate cert = certificate("CN=AOT validator node" + i, node, "CN=AOT consortium CA (testnet)",
                        ca, false);
                Path tls = homes.get(i).resolve(FOLDER);
                Files.createDirectories(tls);
                writePem(tls.resolve("node.crt"), cert);
                writePem(tls.resolve("node.key"), node.getPrivate());
                writePem(tls.resolve("ca.crt"), caCert);
            }
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IOException("cannot issue testnet certificates: " + e.getMessage(), e);
        }
    }

    private static javax.net.ssl.TrustManager[] trustManagers(Path caPem) throws IOException, GeneralSecurityException {
        List<X509Certificate> cas = certificates(caPem);
        if (cas.isEmpty()) {
            throw new IOException(caPem + " holds no CA certificate");
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            trust.setCertificateEntry("ca" + i, cas.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf.getTrustManagers();
    }

    private static List<X509Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            return all.stream().map(c -> (X509Certificate) c).toList();
        }
    }

    private static PrivateKey privateKey(Path pem) throws IOException {
        try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) { // PKCS#1 (RSA) or SEC1 (EC): the public part may be absent
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IOException(pem + " holds no unencrypted private key" + (o == null ? "" : " (found " + o.getClass()
                    .getSimpleName() + ")"));
        }
    }

    private static KeyPair ecKey() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    private static X509Certificate certificate(String subject, KeyPair subjectKey, String issuer, KeyPair issuerKey,
            boolean isCa) throws GeneralSecurityException, IOException, org.bouncycastle.operator.OperatorCreationException {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Principal(issuer),
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(isCa ? 3650 : 825))), new X500Principal(subject),
                subjectKey.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (!isCa) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
    }

    private static void writePem(Path file, Object object) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            if (object instanceof PrivateKey k) {
                pem.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null)); // "PRIVATE KEY"
            } else {
                pem.writeObject(object);
            }
        }
        if (object instanceof PrivateKey && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
    }
}
