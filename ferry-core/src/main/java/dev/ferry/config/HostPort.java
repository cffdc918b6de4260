package dev.ferry.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@code host:port} address as written in the file: a host name or IPv4 address, and a port. */
public record HostPort(String host, int port) {

    private static final Pattern FORM = Pattern.compile("([A-Za-z0-9._-]+):([0-9]{1,5})");

    /** The address, when {@code text} is host:port with a port from {@code lowestPort} to 65535. */
    public static Optional<HostPort> parse(String text, int lowestPort) {
        Matcher matcher = FORM.matcher(text);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        int port = Integer.parseInt(matcher.group(2));
        return port < lowestPort || port > 65535 ? Optional.empty() : Optional.of(new HostPort(matcher.group(1), port));
    }
}
