package dev.ferry.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.BackupConfig.Direction;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.copy.LinkProgress;
import dev.ferry.copy.LinkStatus;
import dev.ferry.copy.SendFailure;
import dev.ferry.names.FerryNames;
import dev.ferry.offsets.CheckpointStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ferry status}: each backup, each direction: state, messages copied, backlog, delay, and what the
 * source held uncopied when it was last reached again; then each group's newest checkpoint: its age and how
 * much the group would re-read after a failover. Asks the running Ferry at {@code http.listen}; when none
 * answers there, reads the progress from the source clusters and the checkpoints from the targets (where
 * Ferry keeps them), so both show even while Ferry, or a failed region, is down.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Shows each backup and direction: state, messages copied, backlog (messages), delay (ms); then"
        + " each consumer group's newest checkpoint: age and how much it would re-read after a failover.")
final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ConfigFile config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        FerryConfig loaded = config.load();
        PrintWriter out = spec.commandLine().getOut();
        JsonNode running = RunningFerry.of(loaded).statusOrNull();
        List<Row> rows;
        List<CheckpointStatus> checkpoints;
        if (running == null) {
            out.println("No Ferry answers at http://" + loaded.http() + "; progress read from the source clusters,"
                + " checkpoints from the targets.");
            rows = fromClusters(loaded);
            checkpoints = checkpointsFromClusters(loaded, out);
        } else {
            out.println("Ferry at http://" + loaded.http() + "/ is " + (running.path("healthy").asBoolean()
                ? "healthy" : "UNHEALTHY:"));
            running.path("problems").forEach(problem -> out.println("  " + problem.asText()));
            String reload = running.path("reload").path("outcome").asText();
            if ("failed".equals(reload)) {
                out.println("The last reload of the file FAILED; the configuration loaded before runs: "
                    + running.path("reload").path("error").asText());
            } else if ("partial".equals(reload)) {
                out.println("The last reload of the file was applied IN PART: "
                    + running.path("reload").path("error").asText());
            }
            out.println();
            out.print(clusterTable(running.path("clusters")));
            out.println();
            rows = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            for (JsonNode link : running.path("links")) {
                LinkStatus s = JSON.treeToValue(link, LinkStatus.class);
                if (s.warnings() != null) {
                    s.warnings().forEach(w -> warnings.add(s.backup() + ", " + s.source() + " -> " + s.target() + ": "
                        + w));
                }
                rows.add(new Row(s.backup(), s.source() + " -> " + s.target(),
                    s.state().text() + (s.reason() == null ? "" : " (" + s.reason() + ")"),
                    Long.toString(s.copied()), number(s.backlog()), number(s.delayMillis()), number(s.heldOnReturn())));
            }
            if (!warnings.isEmpty()) {
                out.println("To align by hand:");
                warnings.stream().distinct().forEach(w -> out.println("  " + w));
                out.println();
            }
            checkpoints = new ArrayList<>();
            for (JsonNode checkpoint : running.path("checkpoints")) {
                checkpoints.add(JSON.treeToValue(checkpoint, CheckpointStatus.class));
            }
        }
        out.print(table(rows));
        out.println();
        String processes = GroupProcesses.table(GroupProcesses.read(loaded));
        if (!processes.isEmpty()) {
            out.print(processes);
            out.println();
        }
        out.print(checkpointTable(checkpoints));
        out.flush();
        return ExitCodes.OK;
    }

    private static List<Row> fromClusters(FerryConfig config) {
        List<Row> rows = new ArrayList<>();
        for (BackupConfig backup : config.backups()) {
            for (Direction direction : backup.directions()) {
                rows.add(fromCluster(config, backup, direction.source(), direction.target()));
            }
        }
        return rows;
    }

    private static Row fromCluster(FerryConfig config, BackupConfig backup, String source, String target) {
        String direction = source + " -> " + target;
        ClusterConfig cluster = config.cluster(source);
        if (cluster.embedded()) {
            return new Row(backup.name(), direction, "not running (embedded cluster exists only while Ferry runs)",
                "-", "-", "-", "-");
        }
        String group = FerryNames.linkGroup(backup.name(), target);
        try (ClusterAdmin admin = ClusterAdmin.connect(cluster)) {
            int clients = admin.brokers().onlineClients(group);
            LinkProgress progress = LinkProgress.of(admin.consumeStats(group, backup.topics()), backup.topics(),
                System.currentTimeMillis());
            String state = clients == 0 ? "not running" : "running in " + clients + " process(es)";
            return new Row(backup.name(), direction, state, "-", Long.toString(progress.backlog()),
                Long.toString(progress.delayMillis()), "-");
        } catch (Exception e) {
            return new Row(backup.name(), direction, "unknown (" + source + ": " + SendFailure.describe(e) + ")",
                "-", "-", "-", "-");
        }
    }

    /** The newest checkpoints in each backup's targets; a target that does not answer is said so, once. */
    private static List<CheckpointStatus> checkpointsFromClusters(FerryConfig config, PrintWriter out) {
        List<CheckpointStatus> checkpoints = new ArrayList<>();
        for (BackupConfig backup : config.backups()) {
            for (String target : backup.directions().stream().map(Direction::target).toList()) {
                ClusterConfig cluster = config.cluster(target);
                if (cluster.embedded()) {
                    continue;
                }
                try {
                    checkpoints.addAll(CheckpointStatus.storedIn(cluster, backup.name()));
                } catch (Exception e) {
                    out.println("Checkpoints of " + backup.name() + " in " + target + " not read: " + SendFailure.describe(e));
                }
            }
        }
        return checkpoints;
    }

    /** Each cluster of the running Ferry: its role and whether the links that use it reach it. */
    static String clusterTable(JsonNode clusters) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"CLUSTER", "ROLE", "NAMESRV", "REACHABLE"});
        for (JsonNode c : clusters) {
            JsonNode reachable = c.path("reachable");
            String reach = reachable.isBoolean() ? (reachable.asBoolean() ? "yes" : "NO: " + c.path("error").asText())
                : "not yet known";
            cells.add(new String[] {c.path("name").asText(), c.path("role").asText(), c.path("namesrv").asText(), reach});
        }
        return format(cells, cells.get(0).length);
    }

    static String checkpointTable(List<CheckpointStatus> checkpoints) {
        if (checkpoints.isEmpty()) {
            return "No checkpoints yet (Ferry writes one every few seconds per group with progress on a copied topic)."
                + System.lineSeparator();
        }
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"GROUP", "BACKUP", "DIRECTION", "TOPIC", "CHECKPOINT_AGE_S", "RE_READ_AT_MOST"});
        for (CheckpointStatus c : checkpoints) {
            cells.add(new String[] {c.group(), c.backup(), c.source() + " -> " + c.target(), c.topic(),
                Long.toString(Math.max(0, c.ageMillis() / 1000)), Long.toString(c.reReadAtMost())});
        }
        return format(cells, 4);
    }

    private static String number(long value) {
        return value < 0 ? "?" : Long.toString(value);
    }

    static String table(List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"BACKUP", "DIRECTION", "STATE", "COPIED", "BACKLOG", "DELAY_MS", "HELD_ON_RETURN"});
        rows.forEach(r -> cells.add(new String[] {r.backup, r.direction, r.state, r.copied, r.backlog, r.delay,
            r.heldOnReturn}));
        return format(cells, 3);
    }

    /** Columns padded to their widest cell; from {@code firstNumeric} on, right-aligned. */
    private static String format(List<String[]> cells, int firstNumeric) {
        return format(cells, firstNumeric, cells.get(0).length);
    }

    /**
     * Columns padded to their widest cell; from {@code firstNumeric} to before {@code firstText}, right-aligned;
     * the last column is not padded.
     */
    static String format(List<String[]> cells, int firstNumeric, int firstText) {
        int[] widths = new int[cells.get(0).length];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                boolean numeric = i >= firstNumeric && i < firstText;
                String cell = numeric ? String.format("%" + widths[i] + "s", row[i])
                    : i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s", row[i]);
                text.append(cell).append(i < row.length - 1 ? "  " : "");
            }
            text.append(System.lineSeparator());
        }
        return text.toString();
    }

    record Row(String backup, String direction, String state, String copied, String backlog, String delay,
               String heldOnReturn) {
    }
}
