package dev.ferry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed certificate a test makes, with the names it chooses ({@code DNS:localhost}, {@code IP:127.0.0.1}),
 * written as the PEM files RocketMQ's servers and Ferry's config take: the certificate, and its PKCS#8 key.
 * (Netty's {@code SelfSignedCertificate} names a host by its CN only.)
 */
public final class TestCertificate implements AutoCloseable {

    private final X509Certificate certificate;
    private final Path certificateFile;
    private final Path keyFile;

    private TestCertificate(X509Certificate certificate, Path certificateFile, Path keyFile) {
        this.certificate = certificate;
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
    }

    /**
     * @param commonName       the subject's CN
     * @param alternativeNames subjectAltName entries, each {@code DNS:name} or {@code IP:address}
     */
    public static TestCertificate selfSigned(String commonName, String... alternativeNames) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=" + commonName);
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(30))), subject, keys.getPublic());
            if (alternativeNames.length > 0) {
                GeneralName[] names = List.of(alternativeNames).stream().map(TestCertificate::generalName)
                    .toArray(GeneralName[]::new);
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
            Path certificateFile = Files.createTempFile("ferry-test-cert-", ".pem");
            Path keyFile = Files.createTempFile("ferry-test-key-", ".pem");
            Files.writeString(certificateFile, pem("CERTIFICATE", certificate.getEncoded()));
            Files.writeString(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
            return new TestCertificate(certificate, certificateFile.toAbsolutePath(), keyFile.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a test certificate: " + e, e);
        }
    }

    private static GeneralName generalName(String entry) {
        if (entry.startsWith("DNS:")) {
            return new GeneralName(GeneralName.dNSName, entry.substring(4));
        }
        if (entry.startsWith("IP:")) {
            return new GeneralName(GeneralName.iPAddress, entry.substring(3));
        }
        throw new IllegalArgumentException("DNS:name or IP:address, not " + entry);
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    public X509Certificate x509() {
        return certificate;
    }

    /** The certificate's PEM file (also what a client that trusts it names as its trust file). */
    public Path certificate() {
        return certificateFile;
    }

    /** The PKCS#8 private key's PEM file. */
    public Path privateKey() {
        return keyFile;
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(certificateFile);
        Files.deleteIfExists(keyFile);
    }
}
