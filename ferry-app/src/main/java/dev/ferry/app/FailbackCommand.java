package dev.ferry.app;

import dev.ferry.config.FerryConfig;
import dev.ferry.operate.Failback;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry failback}: after a disaster recovery, once the home cluster is back, copies home what the
 * standby took meanwhile and moves the groups' progress with it (see {@link Failback}).
 */
@Command(name = "failback", mixinStandardHelpOptions = true,
    description = "After a failover from A to B, once A is back: waits until what A held uncopied is on B, copies"
        + " back to A what B took meanwhile, and moves each group's progress from B to A. Run it with `ferry run`"
        + " up, after producers on B stopped; then move applications back to A.")
final class FailbackCommand implements Callable<Integer> {

    @Mixin
    ConfigFile config;

    @Option(names = "--from", required = true, paramLabel = "B", description = "the standby the applications ran on")
    String from;

    @Option(names = "--to", required = true, paramLabel = "A", description = "the home cluster, back again")
    String to;

    @Option(names = "--group", paramLabel = "G", description = "a group to move back (repeatable; default: every"
        + " group reading the backups' topics on B)")
    List<String> groups = List.of();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
        description = "how long each wait may take (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Option(names = "--dry-run", description = "say what A holds and which groups would move; copy and move nothing")
    boolean dryRun;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        FerryConfig loaded = config.load();
        ClusterArgument.of(loaded, config, "--from", from);
        ClusterArgument.of(loaded, config, "--to", to);
        PrintWriter out = spec.commandLine().getOut();
        Failback failback = new Failback(loaded, from, to, line -> {
            out.println(line);
            out.flush();
        });
        try {
            failback.backups();
        } catch (IllegalArgumentException e) {
            throw new Failures.BadInput("ferry failback: " + e.getMessage());
        }
        Failback.Report report = failback.run(groups, dryRun, Duration.ofSeconds(timeoutSeconds));
        out.printf("%s: %s held %,d message(s) uncopied; %,d copied back from %s; %d group(s) moved.%n",
            dryRun ? "Dry run, nothing changed" : "Failback done", to, report.heldByHome(), report.copiedBack(), from,
            report.moves().values().stream().filter(positions -> !positions.isEmpty()).count());
        out.flush();
        return ExitCodes.OK;
    }
}
