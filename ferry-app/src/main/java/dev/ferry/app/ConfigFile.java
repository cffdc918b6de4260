package dev.ferry.app;

import dev.ferry.config.ConfigException;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option every command that reads a configuration shares. */
final class ConfigFile {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the configuration file")
    Path path;

    FerryConfig load() throws ConfigException {
        return ConfigLoader.load(path);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
