package dev.ferry.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One place in the configuration tree, together with its key path ({@code backups[1].source}), so that
 * every problem found there can name it: {@code ferry.yaml: backups[1].source: unknown cluster 'hz'}.
 *
 * <p>The tree comes from {@link YamlTree}: maps, lists, null and scalars kept as the text the user wrote.
 * String values are read through {@link EnvironmentSubstitution} ({@code ${NAME}}, {@code ${file:PATH}}); map
 * keys are not.
 */
final class Node {

    private final String file;
    private final EnvironmentSubstitution environment;
    private final String path;
    private final JsonNode value;

    private Node(String file, EnvironmentSubstitution environment, String path, JsonNode value) {
        this.file = file;
        this.environment = environment;
        this.path = path;
        this.value = value;
    }

    static Node root(String file, JsonNode tree, EnvironmentSubstitution environment) {
        return new Node(file, environment, "", tree);
    }

    String path() {
        return path;
    }

    /** Not written at all, or written without a value ({@code filter:}): both mean "use the default". */
    boolean isAbsent() {
        return value.isMissingNode() || value.isNull();
    }

    /** The entry {@code key} of this map; absent when this is no map or has no such key. */
    Node get(String key) {
        JsonNode child = value.isObject() ? value.get(key) : null;
        return new Node(file, environment, path.isEmpty() ? key : path + "." + key,
            child == null ? MissingNode.getInstance() : child);
    }

    /** Whether this is a map (as opposed to a value, a list, or nothing). */
    boolean isMap() {
        return value.isObject();
    }

    /** This node, checked to be a map; {@code expected} describes the map for the message. */
    Node map(String expected) throws ConfigException {
        if (!value.isObject()) {
            throw problem("expected " + expected + ", found " + found());
        }
        return this;
    }

    /** The entries of this map, in file order. {@code expected} describes the map for the message. */
    Map<String, Node> entries(String expected) throws ConfigException {
        map(expected);
        Map<String, Node> entries = new LinkedHashMap<>();
        for (String key : (Iterable<String>) value::fieldNames) {
            entries.put(key, get(key));
        }
        return entries;
    }

    /** The elements of this list. {@code expected} describes the list for the message. */
    List<Node> elements(String expected) throws ConfigException {
        if (!value.isArray()) {
            throw problem("expected " + expected + ", found " + found());
        }
        List<Node> elements = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            elements.add(new Node(file, environment, path + "[" + i + "]", value.get(i)));
        }
        return elements;
    }

    /** Rejects any key of this map that is not in {@code allowed}; a typo must not silently mean "default". */
    void allowOnly(List<String> allowed) throws ConfigException {
        for (String key : (Iterable<String>) value::fieldNames) {
            if (!allowed.contains(key)) {
                throw get(key).problem("unknown key (allowed: " + String.join(", ", allowed) + ")");
            }
        }
    }

    /** This scalar as text, with {@code ${NAME}} replaced; required and not blank. */
    String text() throws ConfigException {
        return template(Set.of());
    }

    /** As {@link #text()}, leaving the placeholders in {@code kept} (such as {@code ${topic}}) for later. */
    String template(Set<String> kept) throws ConfigException {
        return read(kept, false);
    }

    /**
     * As {@link #text()}, for a credential or key: no problem found here quotes the value, as written or as
     * substituted (its own checks must not either).
     */
    String secret() throws ConfigException {
        return read(Set.of(), true);
    }

    private String read(Set<String> kept, boolean secret) throws ConfigException {
        if (isAbsent()) {
            throw problem("missing");
        }
        if (!value.isValueNode()) {
            throw problem("expected a single value, found " + found());
        }
        String text = environment.apply(value.asText(), this, kept, secret);
        if (text.isBlank()) {
            throw problem("is empty");
        }
        return text;
    }

    Optional<String> optionalText() throws ConfigException {
        return isAbsent() ? Optional.empty() : Optional.of(text());
    }

    /**
     * As {@link #optionalText()}, for a secret (a token, a key): a problem found while reading it, such as an
     * unterminated {@code ${}, does not echo what was written.
     */
    Optional<String> optionalSecret() throws ConfigException {
        try {
            return optionalText();
        } catch (ConfigException e) {
            // A message echoes a value quoted (see quote): hide that, however short the value.
            String written = quote(value.isValueNode() ? value.asText() : "");
            if (!e.getMessage().contains(written)) {
                throw e;
            }
            throw new ConfigException(e.getMessage().replace(written, quote("(not shown)")));
        }
    }

    boolean flag(boolean otherwise) throws ConfigException {
        if (isAbsent()) {
            return otherwise;
        }
        String text = text();
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw problem("expected true or false, found " + quote(text));
    }

    /** A whole number; {@code otherwise} when absent. Whether it is in range is for the record to say. */
    int integer(int otherwise) throws ConfigException {
        if (isAbsent()) {
            return otherwise;
        }
        String text = text();
        if (!text.matches("-?[0-9]+")) {
            throw problem("expected a whole number, found " + quote(text));
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw problem(quote(text) + " is too large a number");
        }
    }

    /** A duration such as {@code 500ms} or {@code 3s} (see {@link DurationText}); {@code otherwise} when absent. */
    Duration duration(Duration otherwise) throws ConfigException {
        if (isAbsent()) {
            return otherwise;
        }
        String text = text();
        return DurationText.parse(text).orElseThrow(() -> problem("expected a duration (" + DurationText.FORM
            + "), found " + quote(text)));
    }

    /** One of {@code choices}, written as {@code name.apply(choice)}; {@code otherwise} when absent. */
    <T> T choice(T otherwise, List<T> choices, Function<T, String> name) throws ConfigException {
        if (isAbsent()) {
            return otherwise;
        }
        String text = text();
        for (T choice : choices) {
            if (name.apply(choice).equals(text)) {
                return choice;
            }
        }
        throw problem("unknown value " + quote(text) + " (allowed: "
            + choices.stream().map(name).collect(Collectors.joining(", ")) + ")");
    }

    /** A problem at this place, as the one line the operator sees. */
    ConfigException problem(String what) {
        return line((path.isEmpty() ? "" : path + ": ") + what);
    }

    /** What the record read here refused, at the key it names under this place. */
    ConfigException problem(InvalidConfigException refused) {
        return line(refused.message(path));
    }

    private ConfigException line(String where) {
        String line = file + ": " + where;
        // The message goes to a terminal as one line; a value echoed into it must not break it up.
        return new ConfigException(line.replaceAll("\\s*\\R\\s*", " "));
    }

    /** How a value is echoed in a message: quoted, so that spaces and empty strings stay visible. */
    static String quote(String text) {
        return "'" + text + "'";
    }

    private String found() {
        if (isAbsent()) {
            return "nothing";
        }
        if (value.isObject()) {
            return "a map";
        }
        if (value.isArray()) {
            return "a list";
        }
        return quote(value.asText());
    }
}
