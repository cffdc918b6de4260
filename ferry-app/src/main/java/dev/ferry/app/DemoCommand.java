package dev.ferry.app;

import dev.ferry.config.HttpConfig;
import dev.ferry.copy.SendFailure;
import dev.ferry.demo.Demo;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry demo}: the embedded showcase. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Starts embedded RocketMQ clusters and shows the backup scenarios live, then checks every message.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--duration", paramLabel = "SECONDS",
        description = "how long to run; without it the demo runs until interrupted (Ctrl-C)")
    Integer durationSeconds;

    @Option(names = "--rate", defaultValue = "50", paramLabel = "MSG_PER_S",
        description = "messages per second each sample application produces (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--http", defaultValue = "127.0.0.1:7070", paramLabel = "HOST:PORT",
        description = "where the demo serves its status (default: ${DEFAULT-VALUE}; port 0 picks a free one)")
    String http;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (durationSeconds != null && durationSeconds <= 0) {
            throw new Failures.BadInput("ferry demo: --duration: must be a positive number of seconds, not "
                + durationSeconds);
        }
        if (rate <= 0) {
            throw new Failures.BadInput("ferry demo: --rate: must be a positive number of messages per second, not " + rate);
        }
        HttpConfig listen = HttpAddress.parse("--http", http);
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stop = StopSignals.install();
        AtomicReference<StatusServer> server = new AtomicReference<>();
        PrometheusMeterRegistry metrics = StatusServer.metrics();
        try {
            boolean passed = new Demo(out, rate, metrics).run(durationSeconds == null ? null : Duration.ofSeconds(durationSeconds),
                stop, ferry -> {
                    try {
                        server.set(StatusServer.start(listen, ferry, metrics));
                        out.println("Dashboard: http://" + server.get().address() + "/   (open it in a browser;"
                            + " also /status, /health and /metrics)");
                    } catch (Exception e) {
                        out.println("No status server: " + SendFailure.describe(e));
                    }
                });
            return passed ? ExitCodes.OK : ExitCodes.FAILED;
        } finally {
            if (server.get() != null) {
                server.get().close();
            }
        }
    }
}
