package dev.ferry.config;

/**
 * A configuration that Ferry cannot run. Its message is one line for the operator: the file, the key or
 * value, and what is wrong, e.g. {@code ferry.yaml: backups[0].source: unknown cluster 'hz' (known: a, b)}.
 */
public class ConfigException extends Exception {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
