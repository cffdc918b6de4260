package dev.ferry.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads one YAML document into a tree of maps, lists, nulls and scalars, every scalar kept as the text the
 * user wrote. Jackson's own tree would resolve YAML 1.1 types: the stamp value {@code 0571} would become 377
 * (octal) and the topic {@code on} would become {@code true}. Here each key decides what its text means.
 * Duplicate keys are rejected: YAML leaves them undefined and a silent "last one wins" hides mistakes.
 */
final class YamlTree {

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String file;
    private final JsonParser parser;

    private YamlTree(String file, JsonParser parser) {
        this.file = file;
        this.parser = parser;
    }

    /** The document's root; null when the text holds no document (empty, or only comments). */
    static JsonNode read(String file, String text) throws ConfigException {
        try (JsonParser parser = YAML.createParser(text)) {
            if (parser.nextToken() == null) {
                return null;
            }
            YamlTree tree = new YamlTree(file, parser);
            JsonNode root = tree.value();
            if (parser.nextToken() != null) {
                throw tree.malformed(parser.currentTokenLocation(), "more than one YAML document (Ferry reads one)");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw malformed(file, e);
        } catch (IOException e) {
            // Only a reader can fail this way, and this one reads a string that is already in memory.
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode value() throws IOException, ConfigException {
        return switch (parser.currentToken()) {
            case START_OBJECT -> map();
            case START_ARRAY -> list();
            case VALUE_NULL -> NullNode.getInstance();
            default -> TextNode.valueOf(parser.getText());
        };
    }

    private ObjectNode map() throws IOException, ConfigException {
        ObjectNode map = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonLocation at = parser.currentTokenLocation();
            parser.nextToken();
            if (map.has(key)) {
                throw malformed(at, "duplicate key " + Node.quote(key));
            }
            map.set(key, value());
        }
        return map;
    }

    private ArrayNode list() throws IOException, ConfigException {
        ArrayNode list = NODES.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            list.add(value());
        }
        return list;
    }

    private ConfigException malformed(JsonLocation at, String reason) {
        return malformed(file, at.getLineNr(), at.getColumnNr(), reason);
    }

    private static ConfigException malformed(String file, JsonProcessingException e) {
        // SnakeYAML knows the exact spot and says what is wrong in one phrase; Jackson's message adds
        // a multi-line excerpt of the file, and its location is sometimes that of the previous token.
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            Mark mark = yaml.getProblemMark();
            return malformed(file, mark.getLine() + 1, mark.getColumn() + 1, yaml.getProblem());
        }
        JsonLocation at = e.getLocation();
        String reason = e.getOriginalMessage().lines().findFirst().orElse("unreadable");
        return at == null ? new ConfigException(file + ": malformed YAML: " + reason)
            : malformed(file, at.getLineNr(), at.getColumnNr(), reason);
    }

    private static ConfigException malformed(String file, int line, int column, String reason) {
        return new ConfigException(file + ": line " + line + ", column " + column + ": malformed YAML: "
            + reason.replaceAll("\\s*\\R\\s*", " "));
    }
}
