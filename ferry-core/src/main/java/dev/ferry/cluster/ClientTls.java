package dev.ferry.cluster;

import dev.ferry.config.ClusterConfig;
import dev.ferry.config.ClusterTls;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.rocketmq.client.ClientConfig;
import org.apache.rocketmq.client.impl.MQClientManager;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.remoting.netty.NettyRemotingAbstract;
import org.apache.rocketmq.remoting.netty.TlsSystemConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS per cluster. RocketMQ's client takes its TLS settings from process-wide properties ({@link TlsSystemConfig}):
 * one trust file, one client certificate, and no check of the server's name. Ferry talks to several clusters from
 * one process, each with its own CA and perhaps its own client certificate, so it gives each client a TLS context
 * of its cluster's ({@link PeerRecordingSslContext}, {@link PeerCheckingTrustManager}) before the client connects:
 *
 * <pre>
 *   cluster A  tls: {trustCertPath: a-ca.pem}              A's servers: signed by a-ca, named as dialed
 *   cluster B  tls: {trustCertPath: b-ca.pem, certPath: …}  B's servers: signed by b-ca; B sees B's certificate
 *   cluster C  tls: true                                    encrypted, not verified (said once)
 *   cluster D  (no tls)                                     plain TCP, untouched
 * </pre>
 *
 * The client's own context, which RocketMQ builds from the process-wide settings, is set to trust only the JDK's
 * CAs and to show no certificate: a client that somehow missed {@link #install} fails closed against a private CA.
 */
final class ClientTls {

    private static final Logger LOG = LoggerFactory.getLogger(ClientTls.class);
    private static final Map<ContextKey, ClusterContext> CONTEXTS = new ConcurrentHashMap<>();
    private static volatile boolean unverifiedSaid;

    private record ContextKey(String cluster, ClusterTls tls) {
    }

    private record ClusterContext(SslContext context, TlsRefusals refusals) {
    }

    private ClientTls() {
    }

    /**
     * Makes the instance {@code client} will start with, and gives it the cluster's TLS context; call once the client
     * is configured and just before it starts (RocketMQ copies the settings into the instance).
     */
    static void install(ClientConfig client, RPCHook rpcHook, ClusterConfig cluster) {
        ClusterTls tls = cluster.tls().orElseThrow();
        failClosedByDefault();
        SslContext context = context(cluster.name(), tls).context();
        MQClientInstance instance = MQClientManager.getInstance().getOrCreateMQClientInstance(client, rpcHook);
        try {
            sslContextField().set(instance.getMQClientAPIImpl().getRemotingClient(), context);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cluster '" + cluster.name() + "': cannot give RocketMQ's client Ferry's"
                + " TLS context (" + e + "); this RocketMQ client version is not supported with tls", e);
        }
    }

    /** After the client started: it must have started on the instance {@link #install} prepared. */
    static void checkInstalled(ClientConfig client, ClusterConfig cluster) {
        MQClientInstance instance = MQClientManager.getInstance().getFactoryTable().get(client.buildMQClientId());
        Object context;
        try {
            context = instance == null ? null
                : sslContextField().get(instance.getMQClientAPIImpl().getRemotingClient());
        } catch (ReflectiveOperationException e) {
            context = null;
        }
        if (!(context instanceof PeerRecordingSslContext)) {
            throw new IllegalStateException("cluster '" + cluster.name() + "': client " + client.buildMQClientId()
                + " started without Ferry's TLS context");
        }
    }

    /** Where a RocketMQ client keeps the TLS context its connections are made with. */
    private static Field sslContextField() throws NoSuchFieldException {
        Field field = NettyRemotingAbstract.class.getDeclaredField("sslContext");
        field.setAccessible(true);
        return field;
    }

    /** Why the cluster's TLS refused a server since {@code since}: of {@code address}, or (null) of any. */
    static Optional<String> refusal(ClusterConfig cluster, Instant since, String address) {
        return cluster.tls().map(tls -> CONTEXTS.get(new ContextKey(cluster.name(), tls)))
            .flatMap(context -> context.refusals().since(since, address));
    }

    private static ClusterContext context(String cluster, ClusterTls tls) {
        return CONTEXTS.computeIfAbsent(new ContextKey(cluster, tls), key -> build(cluster, tls));
    }

    private static ClusterContext build(String cluster, ClusterTls tls) {
        Map<SSLEngine, InetSocketAddress> dialed = Collections.synchronizedMap(new WeakHashMap<>());
        TlsRefusals refusals = new TlsRefusals(cluster, Clock.systemUTC());
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
        if (tls.trustCertPath().isPresent()) {
            builder.trustManager(new PeerCheckingTrustManager(cluster, pkix(cluster, tls.trustCertPath().get()),
                tls.verifyHostname(), dialed, refusals));
            if (!tls.verifyHostname()) {
                LOG.warn("cluster '{}': tls.verifyHostname is false: a server's certificate must be signed by a CA in"
                    + " {}, but need not name the server", cluster, tls.trustCertPath().get());
            }
        } else {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
            if (!unverifiedSaid) {
                unverifiedSaid = true;
                LOG.warn("cluster '{}': TLS without trustCertPath: traffic is encrypted, but the servers' certificates"
                    + " are not verified (RocketMQ's default); set tls.trustCertPath to the CA that signed them",
                    cluster);
            }
        }
        try {
            if (tls.certPath().isPresent()) {
                builder.keyManager(tls.certPath().get().toFile(), tls.keyPath().orElseThrow().toFile());
            }
            return new ClusterContext(new PeerRecordingSslContext(builder.build(), dialed), refusals);
        } catch (Exception e) {
            throw new IllegalStateException("cluster '" + cluster + "': tls.certPath " + tls.certPath().orElse(null)
                + " and tls.keyPath " + tls.keyPath().orElse(null) + " cannot be used (a PEM certificate and its"
                + " unencrypted PKCS#8 key): " + e.getMessage(), e);
        }
    }

    /** The JDK's PKIX check against the CA certificates of one PEM file. */
    private static X509ExtendedTrustManager pkix(String cluster, Path trustFile) {
        try (InputStream in = Files.newInputStream(trustFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + n++, certificate);
            }
            if (n == 0) {
                throw new IllegalArgumentException("no certificate in it");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the JDK offers no X.509 trust manager");
        } catch (Exception e) {
            throw new IllegalStateException("cluster '" + cluster + "': tls.trustCertPath " + trustFile
                + " cannot be used (PEM CA certificates): " + e.getMessage(), e);
        }
    }

    /**
     * RocketMQ builds each TLS client's own context from the process-wide settings before Ferry replaces it; these
     * make that context verify against the JDK's CAs and show no certificate, rather than trust every server.
     */
    private static synchronized void failClosedByDefault() {
        TlsSystemConfig.tlsTestModeEnable = false;
        TlsSystemConfig.tlsClientAuthServer = true;
    }
}
