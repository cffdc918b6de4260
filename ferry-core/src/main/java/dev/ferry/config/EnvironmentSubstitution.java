package dev.ferry.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Replaces references in a configuration value, so that secrets such as ACL keys need not be written into the
 * file: {@code ${NAME}} with the environment variable NAME, {@code ${file:PATH}} with the content of the file
 * PATH (how Kubernetes mounts secrets), its trailing line breaks removed. {@code $${} stands for a literal
 * {@code ${}. Substituted text is not searched for references again.
 *
 * <p>An unset variable or a file that cannot be read is an error, not an empty string: an empty access key would
 * only fail later, and less clearly. A file is read once, when the configuration is loaded. What a message about
 * a value says never includes what a file or variable holds: it names the variable or the file. For a secret
 * ({@link #apply(String, Node, Set, boolean)}), it does not quote the value as written either.
 */
final class EnvironmentSubstitution {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String FILE = "file:";
    /** A secret is a few dozen bytes; a file much larger is the wrong file (or a device that never ends). */
    static final int MAX_FILE_BYTES = 64 * 1024;

    private final Map<String, String> environment;

    EnvironmentSubstitution(Map<String, String> environment) {
        this.environment = environment;
    }

    String apply(String text, Node where) throws ConfigException {
        return apply(text, where, Set.of(), false);
    }

    /**
     * As {@link #apply(String, Node)}, leaving the references in {@code kept} as they are (template placeholders).
     * With {@code secret}, a problem is described without quoting {@code text}.
     */
    String apply(String text, Node where, Set<String> kept, boolean secret) throws ConfigException {
        StringBuilder result = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                result.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i);
                if (end < 0) {
                    throw where.problem("unterminated ${" + (secret ? "" : " in " + Node.quote(text))
                        + " (write $${ for a literal ${)");
                }
                String reference = text.substring(i, end + 1);
                result.append(kept.contains(reference) ? reference : lookUp(text.substring(i + 2, end), where, secret));
                i = end + 1;
            } else {
                result.append(text.charAt(i++));
            }
        }
        return result.toString();
    }

    private String lookUp(String name, Node where, boolean secret) throws ConfigException {
        if (name.startsWith(FILE)) {
            return readFile(name.substring(FILE.length()), where);
        }
        if (!NAME.matcher(name).matches()) {
            throw where.problem((secret ? "a ${...}" : Node.quote("${" + name + "}"))
                + " is neither an environment variable reference (a name is letters, digits and _)"
                + " nor ${file:PATH}");
        }
        String value = environment.get(name);
        if (value == null) {
            throw where.problem("environment variable " + name + " is not set");
        }
        return value;
    }

    /** The file's text, without its trailing line breaks. Problems name the file, never what it holds. */
    private static String readFile(String name, Node where) throws ConfigException {
        if (name.isBlank()) {
            throw where.problem("${file:} names no file (e.g. ${file:/run/secrets/ferry-signing-key})");
        }
        String file = Node.quote(name);
        Path path;
        try {
            path = Path.of(name);
        } catch (InvalidPathException e) {
            throw where.problem(file + " is not a file path");
        }
        if (Files.isDirectory(path)) {
            throw where.problem("secret file " + file + " is a directory");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw where.problem("secret file " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw where.problem("cannot read secret file " + file + ": permission denied");
        } catch (IOException | SecurityException e) {
            // Not e.getMessage(): only the file is named, whatever an I/O error might quote.
            throw where.problem("cannot read secret file " + file + ": " + e.getClass().getSimpleName());
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw where.problem("secret file " + file + " is larger than " + MAX_FILE_BYTES / 1024
                + " KiB (a secret is a few dozen bytes: is it the right file?)");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw where.problem("secret file " + file + " is not UTF-8 text");
        }
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        if (end == 0) {
            throw where.problem("secret file " + file + " is empty");
        }
        return text.substring(0, end);
    }
}
