package dev.ferry.cluster;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a server of one cluster when its certificate chains to the cluster's {@code tls.trustCertPath} (the JDK's
 * PKIX check) and, unless {@code tls.verifyHostname: false}, names the host Ferry dialed ({@link PeerNames}).
 *
 * <p>RocketMQ's client makes its TLS engines before it connects, so no engine knows its peer; the handler that
 * {@link PeerRecordingSslContext} gives each connection writes the dialed address into {@code dialed} before the
 * handshake starts, and the check here reads it. A refusal aborts the handshake, before any request is written,
 * and is kept for {@link ClientTls#refusal} to explain (RocketMQ itself reports only "connect to ... failed").
 */
final class PeerCheckingTrustManager extends X509ExtendedTrustManager {

    private final String cluster;
    private final X509ExtendedTrustManager chain;
    private final boolean verifyHostname;
    private final Map<SSLEngine, InetSocketAddress> dialed;
    private final TlsRefusals refusals;

    PeerCheckingTrustManager(String cluster, X509ExtendedTrustManager chain, boolean verifyHostname,
                             Map<SSLEngine, InetSocketAddress> dialed, TlsRefusals refusals) {
        this.cluster = cluster;
        this.chain = chain;
        this.verifyHostname = verifyHostname;
        this.dialed = dialed;
        this.refusals = refusals;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
        throws CertificateException {
        InetSocketAddress peer = dialed.get(engine);
        String address = peer == null ? null : peer.getHostString() + ":" + peer.getPort();
        String who = address == null ? "a server of cluster '" + cluster + "'" : address;
        try {
            chain.checkServerTrusted(certificates, authType, engine);
        } catch (CertificateException e) {
            throw refused(address, "the certificate of " + who + " (" + PeerNames.describe(certificates[0])
                + ") is not signed by a CA in tls.trustCertPath: " + firstLine(e));
        }
        if (!verifyHostname) {
            return;
        }
        if (address == null) {
            throw refused(null, "the address of " + who + " is not known, so its certificate cannot be checked");
        }
        String host = peer.getHostString();
        if (!PeerNames.match(host, certificates[0])) {
            throw refused(address, "the certificate of " + address + " names " + PeerNames.describe(certificates[0])
                + ", not " + host + " (give the certificate a subjectAltName " + (PeerNames.isAddress(host) ? "IP:"
                : "DNS:") + host + ", or set tls.verifyHostname: false on cluster '" + cluster + "')");
        }
    }

    private CertificateException refused(String address, String reason) {
        refusals.record(address, reason);
        return new CertificateException(reason);
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("").strip();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType, Socket socket)
        throws CertificateException {
        throw new CertificateException("Ferry's TLS clients use engines, not sockets");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
        throw new CertificateException("Ferry checks a server's certificate only with the address it dialed");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType, Socket socket)
        throws CertificateException {
        throw new CertificateException("Ferry is a TLS client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
        throws CertificateException {
        throw new CertificateException("Ferry is a TLS client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
        throw new CertificateException("Ferry is a TLS client only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return chain.getAcceptedIssuers();
    }
}
