package dev.ferry.config;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} in a configuration value with the environment variable NAME, so that secrets
 * such as ACL keys need not be written into the file. {@code $${} stands for a literal {@code ${}.
 * An unset variable is an error, not an empty string: an empty access key would only fail later, and less clearly.
 */
final class EnvironmentSubstitution {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Map<String, String> environment;

    EnvironmentSubstitution(Map<String, String> environment) {
        this.environment = environment;
    }

    String apply(String text, Node where) throws ConfigException {
        return apply(text, where, Set.of());
    }

    /** As {@link #apply(String, Node)}, leaving the references in {@code kept} as they are (template placeholders). */
    String apply(String text, Node where, Set<String> kept) throws ConfigException {
        StringBuilder result = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                result.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i);
                if (end < 0) {
                    throw where.problem("unterminated ${ in " + Node.quote(text) + " (write $${ for a literal ${)");
                }
                String reference = text.substring(i, end + 1);
                result.append(kept.contains(reference) ? reference : lookUp(text.substring(i + 2, end), where));
                i = end + 1;
            } else {
                result.append(text.charAt(i++));
            }
        }
        return result.toString();
    }

    private String lookUp(String name, Node where) throws ConfigException {
        if (!NAME.matcher(name).matches()) {
            throw where.problem(Node.quote("${" + name + "}")
                + " is not an environment variable reference (a name is letters, digits and _)");
        }
        String value = environment.get(name);
        if (value == null) {
            throw where.problem("environment variable " + name + " is not set");
        }
        return value;
    }
}
