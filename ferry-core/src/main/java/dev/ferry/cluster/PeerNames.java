package dev.ferry.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * Whether a server's certificate names the host Ferry dialed: HTTPS's rules (RFC 2818, RFC 6125), which Kafka and
 * most TLS clients apply, and RocketMQ's own client does not.
 *
 * <pre>
 *   dialed            certificate names                 match
 *   10.0.0.5          IP:10.0.0.5                       yes   an address matches an IP entry, exactly
 *   10.0.0.5          DNS:broker-a.example, CN=10.0.0.5 no    never a DNS entry, never the CN
 *   broker-a.example  DNS:*.example                     yes   a wildcard stands for the whole leftmost label
 *   a.b.example       DNS:*.example                     no    ... and for one label only
 *   broker-a.example  CN=broker-a.example (no DNS SAN)  yes   the CN counts only without any DNS entry
 * </pre>
 *
 * Pure: no network, no look-up (an address is compared as an address, a name as text).
 */
final class PeerNames {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final int DNS = 2;
    private static final int IP = 7;

    private PeerNames() {
    }

    /** True when {@code certificate} is issued to {@code host} (a name or an address literal). */
    static boolean match(String host, X509Certificate certificate) {
        String dialed = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean address = isAddress(dialed);
        boolean anyDnsEntry = false;
        for (List<?> entry : alternativeNames(certificate)) {
            int type = (Integer) entry.get(0);
            String value = String.valueOf(entry.get(1));
            if (type == IP && address && sameAddress(dialed, value)) {
                return true;
            }
            if (type == DNS) {
                anyDnsEntry = true;
                if (!address && nameMatches(dialed, value)) {
                    return true;
                }
            }
        }
        if (address || anyDnsEntry) {
            return false;
        }
        String commonName = commonName(certificate);
        return commonName != null && nameMatches(dialed, commonName);
    }

    /** What the certificate is issued to, as an operator reads it: {@code DNS:localhost, IP:127.0.0.1, CN=broker}. */
    static String describe(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        for (List<?> entry : alternativeNames(certificate)) {
            int type = (Integer) entry.get(0);
            if (type == DNS || type == IP) {
                names.add((type == DNS ? "DNS:" : "IP:") + entry.get(1));
            }
        }
        String commonName = commonName(certificate);
        if (commonName != null) {
            names.add("CN=" + commonName);
        }
        return names.isEmpty() ? "no name" : String.join(", ", names);
    }

    static boolean isAddress(String host) {
        return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
    }

    private static boolean sameAddress(String dialed, String entry) {
        if (!isAddress(entry)) {
            return false;
        }
        try {
            // Both are literals: getByName parses them and looks nothing up.
            return InetAddress.getByName(dialed).equals(InetAddress.getByName(entry));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** A DNS name against a certificate's name; {@code *} only as the whole leftmost label of three or more. */
    static boolean nameMatches(String host, String pattern) {
        String name = canonical(host);
        String wanted = canonical(pattern);
        if (!wanted.startsWith("*.")) {
            return !wanted.contains("*") && name.equals(wanted);
        }
        String suffix = wanted.substring(1);
        if (suffix.indexOf('.', 1) < 0 || suffix.contains("*")) {
            return false;
        }
        int firstDot = name.indexOf('.');
        return firstDot > 0 && name.substring(firstDot).equals(suffix);
    }

    private static String canonical(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static Collection<List<?>> alternativeNames(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            return names == null ? List.of() : names;
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    private static String commonName(X509Certificate certificate) {
        try {
            LdapName subject = new LdapName(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
            String found = null;
            for (Rdn rdn : subject.getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    found = String.valueOf(rdn.getValue());
                }
            }
            return found;
        } catch (InvalidNameException e) {
            return null;
        }
    }
}
