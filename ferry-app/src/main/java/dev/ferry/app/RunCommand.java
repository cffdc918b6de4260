package dev.ferry.app;

import dev.ferry.backup.Ferry;
import dev.ferry.config.FerryConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ferry run}: runs every backup of the file until SIGTERM or SIGINT, then stops cleanly — in-flight
 * messages sent, progress committed — and exits 0. On SIGHUP or {@code POST /reload} it re-reads the file
 * ({@link ConfigReload}).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Runs every backup in the configuration file until SIGTERM/SIGINT; re-reads it on SIGHUP.")
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigFile config;

    @Option(names = "--progress-seconds", defaultValue = "10", paramLabel = "S",
        description = "how often to log each backup's progress (default: ${DEFAULT-VALUE})")
    int progressSeconds;

    @Override
    public Integer call() throws Exception {
        FerryConfig loaded = config.load();
        CountDownLatch stop = StopSignals.install();
        try (ConfigReload reload = ConfigReload.onHangUp(config.path);
             EmbeddedClusters embedded = EmbeddedClusters.start(loaded)) {
            FerryConfig resolved = embedded.resolve(loaded);
            PrometheusMeterRegistry metrics = StatusServer.metrics();
            try (Ferry ferry = Ferry.start(resolved, metrics);
                 StatusServer server = StatusServer.start(resolved.http(), ferry, metrics);
                 ProgressLog progress = ProgressLog.every(progressSeconds, ferry::status)) {
                PauseControl.register(server, ferry);
                reload.runs(ferry, embedded);
                server.control("/reload", reload);
                LOG.info("Ferry is running {} backup(s) from {}; dashboard at http://{}/ (also /status, /health,"
                    + " /metrics); stop with Ctrl-C or SIGTERM", resolved.backups().size(), config, server.address());
                stop.await();
                reload.close();
                LOG.info("Stopping: finishing in-flight messages and committing progress");
            }
        }
        LOG.info("Stopped cleanly");
        return ExitCodes.OK;
    }
}
