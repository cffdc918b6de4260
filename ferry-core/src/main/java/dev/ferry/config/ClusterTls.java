package dev.ferry.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS for every client Ferry opens to one cluster ({@code tls: true}, or a map of the files below). Each file is a
 * PEM file, checked to be readable where the config is read.
 *
 * @param trustCertPath the CA certificate(s) the cluster's brokers and NameServers are verified against; absent:
 *                      not verified (RocketMQ's own default, said once in the log)
 * @param certPath      the client certificate, for brokers that require one ({@code tls.server.need.client.auth})
 * @param keyPath       its PKCS#8 private key; given with {@code certPath} or not at all
 * @param verifyHostname whether a server's certificate must also name the host or address Ferry dialed (the
 *                      NameServer addresses of the config, the broker addresses the NameServer gives); true unless
 *                      the file says {@code verifyHostname: false}; without {@code trustCertPath} nothing is verified
 */
public record ClusterTls(Optional<Path> trustCertPath, Optional<Path> certPath, Optional<Path> keyPath,
                         boolean verifyHostname) {

    /** {@code tls: true}: encrypted, the server's certificate not verified, no client certificate. */
    public static final ClusterTls PLAIN = new ClusterTls(Optional.empty(), Optional.empty(), Optional.empty());

    static final List<String> KEYS = List.of("trustCertPath", "certPath", "keyPath", "verifyHostname");

    public ClusterTls {
        Objects.requireNonNull(trustCertPath, "trustCertPath");
        Objects.requireNonNull(certPath, "certPath");
        Objects.requireNonNull(keyPath, "keyPath");
        if (certPath.isPresent() != keyPath.isPresent()) {
            throw new InvalidConfigException(certPath.isPresent() ? "keyPath" : "certPath",
                "missing (a client certificate needs both certPath and keyPath)");
        }
    }

    /** Servers verified against {@code trustCertPath} and by name, when it is given. */
    public ClusterTls(Optional<Path> trustCertPath, Optional<Path> certPath, Optional<Path> keyPath) {
        this(trustCertPath, certPath, keyPath, true);
    }

    /** Reads {@code tls}: absent or false (none), true, or a map of {@link #KEYS}. */
    static Optional<ClusterTls> read(Node tls) throws ConfigException {
        if (tls.isAbsent()) {
            return Optional.empty();
        }
        if (!tls.isMap()) {
            return tls.flag(false) ? Optional.of(PLAIN) : Optional.empty();
        }
        tls.map("true, false or a map of " + String.join(", ", KEYS)).allowOnly(KEYS);
        Optional<Path> trust = file(tls.get("trustCertPath"));
        Optional<Path> cert = file(tls.get("certPath"));
        Optional<Path> key = file(tls.get("keyPath"));
        Node verifyHostname = tls.get("verifyHostname");
        boolean verify = verifyHostname.flag(true);
        if (!verify && trust.isEmpty()) {
            throw verifyHostname.problem("false without trustCertPath: without a CA to check against, no server is"
                + " verified at all");
        }
        try {
            return Optional.of(new ClusterTls(trust, cert, key, verify));
        } catch (InvalidConfigException refused) {
            throw tls.problem(refused);
        }
    }

    private static Optional<Path> file(Node key) throws ConfigException {
        Optional<String> text = key.optionalText();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Path path = Path.of(text.get());
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw key.problem("cannot read " + Node.quote(text.get()) + " (a PEM file)");
        }
        return Optional.of(path.toAbsolutePath());
    }
}
