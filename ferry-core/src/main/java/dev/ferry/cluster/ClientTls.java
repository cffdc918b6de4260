package dev.ferry.cluster;

import dev.ferry.config.ClusterTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.rocketmq.remoting.netty.TlsSystemConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RocketMQ's client keeps its TLS settings once per process ({@link TlsSystemConfig}): what to trust, which
 * certificate to show. Each client only chooses whether it uses TLS. So the clusters' settings are joined here
 * before a TLS client to any of them is made:
 *
 * <pre>
 *   cluster A  tls: {trustCertPath: a-ca.pem}         trust = a-ca.pem + b-ca.pem (one bundle), verified
 *   cluster B  tls: {trustCertPath: b-ca.pem}         client certificate: the one named (one per process)
 *   cluster C  (no tls)                               plain TCP, untouched
 * </pre>
 *
 * With no {@code trustCertPath} anywhere, TLS encrypts but does not verify the server (RocketMQ's default), which
 * is logged once. The config refuses two different client certificates.
 */
final class ClientTls {

    private static final Logger LOG = LoggerFactory.getLogger(ClientTls.class);
    /** The trust files covered so far, with what they held when covered (a file may go away later). */
    private static final Map<Path, String> TRUSTED = new LinkedHashMap<>();
    private static boolean unverifiedSaid;

    private ClientTls() {
    }

    /** Makes RocketMQ's process-wide TLS settings cover {@code tls}; call before making a client with it. */
    static synchronized void cover(String cluster, ClusterTls tls) {
        if (tls.certPath().isPresent()) {
            TlsSystemConfig.tlsTestModeEnable = false;
            TlsSystemConfig.tlsClientCertPath = tls.certPath().get().toString();
            TlsSystemConfig.tlsClientKeyPath = tls.keyPath().orElseThrow().toString();
        }
        if (tls.trustCertPath().isPresent() && !TRUSTED.containsKey(tls.trustCertPath().get())) {
            TRUSTED.put(tls.trustCertPath().get(), read(tls.trustCertPath().get()));
            TlsSystemConfig.tlsTestModeEnable = false;
            TlsSystemConfig.tlsClientAuthServer = true;
            TlsSystemConfig.tlsClientTrustCertPath = bundle().toString();
        }
        if (TRUSTED.isEmpty() && !unverifiedSaid) {
            unverifiedSaid = true;
            LOG.warn("cluster '{}': TLS without trustCertPath: traffic is encrypted, but the brokers' certificates are"
                + " not verified (RocketMQ's default); set tls.trustCertPath to the CA that signed them", cluster);
        }
    }

    /** Every trusted CA so far, joined into one PEM file (RocketMQ reads a single trust file). */
    private static Path bundle() {
        try {
            Path bundle = Files.createTempFile("ferry-trust-", ".pem");
            bundle.toFile().deleteOnExit();
            Files.writeString(bundle, String.join(System.lineSeparator(), TRUSTED.values()) + System.lineSeparator());
            return bundle;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the clusters' trust bundle: " + e.getMessage(), e);
        }
    }

    private static String read(Path trustFile) {
        try {
            return Files.readString(trustFile).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tls.trustCertPath " + trustFile + ": " + e.getMessage(), e);
        }
    }
}
