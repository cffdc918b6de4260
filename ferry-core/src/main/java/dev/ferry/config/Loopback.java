package dev.ferry.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Ferry counts as a loopback name: {@code localhost}, an IPv4 literal in 127.0.0.0/8, and {@code ::1}
 * (bare or in brackets, as a {@code Host} header writes it). Decided by the text alone, never by a DNS look-up:
 * a name that happens to resolve to 127.0.1.1 is not loopback here, so it needs a token.
 *
 * <p>The one owner of the idea: {@link HttpConfig} asks it whether {@code http.listen} needs {@code http.token},
 * and the HTTP endpoint asks it whether a request's {@code Host} header may be answered on a loopback listener.
 */
public final class Loopback {

    private static final Pattern IPV4 = Pattern.compile("127\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");

    private Loopback() {
    }

    /** Whether {@code host} (a name or an address literal, without a port) names this machine's loopback. */
    public static boolean isLoopback(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.equals("localhost") || name.equals("::1") || name.equals("[::1]")) {
            return true;
        }
        Matcher quad = IPV4.matcher(name);
        if (!quad.matches()) {
            return false;
        }
        for (int i = 1; i <= 3; i++) {
            if (Integer.parseInt(quad.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }
}
