package dev.ferry.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.cluster.ClusterAdmin;
import dev.ferry.config.BackupConfig;
import dev.ferry.config.BackupConfig.Mode;
import dev.ferry.config.ClusterConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.copy.Link;
import dev.ferry.copy.LinkProgress;
import dev.ferry.copy.LinkStatus;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ferry status}: each backup, each direction: state, messages copied, backlog, delay. Asks the running
 * Ferry at {@code http.listen}; when none answers there, reads the progress from the source clusters
 * (where Ferry keeps it), so the backlog shows even while Ferry is down.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Shows each backup and direction: state, messages copied, backlog (messages), delay (ms).")
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
        List<Row> rows = fromRunningFerry(loaded);
        if (rows == null) {
            out.println("No Ferry answers at http://" + loaded.http() + "; progress read from the source clusters.");
            rows = fromClusters(loaded);
        }
        out.print(table(rows));
        out.flush();
        return ExitCodes.OK;
    }

    private static List<Row> fromRunningFerry(FerryConfig config) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("http://" + config.http() + "/status")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return null;
            }
            List<Row> rows = new ArrayList<>();
            for (JsonNode link : JSON.readTree(response.body()).path("links")) {
                LinkStatus s = JSON.treeToValue(link, LinkStatus.class);
                rows.add(new Row(s.backup(), s.source() + " -> " + s.target(),
                    s.state().name().toLowerCase().replace('_', '-') + (s.reason() == null ? "" : " (" + s.reason() + ")"),
                    Long.toString(s.copied()), number(s.backlog()), number(s.delayMillis())));
            }
            return rows;
        } catch (Exception nobodyThere) {
            return null;
        }
    }

    private static List<Row> fromClusters(FerryConfig config) {
        List<Row> rows = new ArrayList<>();
        for (BackupConfig backup : config.backups()) {
            rows.add(fromCluster(config, backup, backup.source(), backup.target()));
            if (backup.mode() == Mode.TWO_WAY) {
                rows.add(fromCluster(config, backup, backup.target(), backup.source()));
            }
        }
        return rows;
    }

    private static Row fromCluster(FerryConfig config, BackupConfig backup, String source, String target) {
        String direction = source + " -> " + target;
        ClusterConfig cluster = config.cluster(source);
        if (cluster.embedded()) {
            return new Row(backup.name(), direction, "not running (embedded cluster exists only while Ferry runs)",
                "-", "-", "-");
        }
        String group = Link.groupOf(backup.name(), target);
        try (ClusterAdmin admin = ClusterAdmin.connect(cluster)) {
            int clients = admin.onlineClients(group);
            LinkProgress progress = LinkProgress.of(admin.consumeStats(group), backup.topics(),
                System.currentTimeMillis());
            String state = clients == 0 ? "not running" : "running in " + clients + " process(es)";
            return new Row(backup.name(), direction, state, "-", Long.toString(progress.backlog()),
                Long.toString(progress.delayMillis()));
        } catch (Exception e) {
            return new Row(backup.name(), direction, "unknown (" + source + ": " + Failures.describe(e) + ")",
                "-", "-", "-");
        }
    }

    private static String number(long value) {
        return value < 0 ? "?" : Long.toString(value);
    }

    static String table(List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"BACKUP", "DIRECTION", "STATE", "COPIED", "BACKLOG", "DELAY_MS"});
        rows.forEach(r -> cells.add(new String[] {r.backup, r.direction, r.state, r.copied, r.backlog, r.delay}));
        int[] widths = new int[6];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                boolean numeric = i >= 3;
                String cell = numeric ? String.format("%" + widths[i] + "s", row[i])
                    : String.format("%-" + widths[i] + "s", row[i]);
                text.append(cell).append(i < row.length - 1 ? "  " : "");
            }
            text.append(System.lineSeparator());
        }
        return text.toString();
    }

    record Row(String backup, String direction, String state, String copied, String backlog, String delay) {
    }
}
