package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's contract: exit codes and one line on stderr naming what is wrong. */
class CliTest {

    @TempDir
    Path dir;

    record Outcome(int code, String out, String err) {
    }

    static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Outcome(code, out.toString(), err.toString());
    }

    private Path file(String name, String yaml) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void aBadConfigurationIsExit2WithOneLineNamingFileKeyAndProblem() throws IOException {
        Path bad = file("bad.yaml", """
            clusters:
              a: {namesrv: 127.0.0.1:9876}
              b: {namesrv: 127.0.0.1:9877}
            backups:
              - name: x
                source: a
                target: nowhere
                topics: [t]
            """);
        for (String command : new String[] {"validate", "run", "status"}) {
            Outcome outcome = run(command, "--config", bad.toString());
            assertThat(outcome.code()).as(command).isEqualTo(2);
            assertThat(outcome.err().strip().lines()).as(command).hasSize(1);
            assertThat(outcome.err()).contains(bad.toString()).contains("backups[0].target").contains("nowhere");
        }
    }

    @Test
    void copyTuningOutOfItsRangeIsExit2NamingFileAndKey() throws IOException {
        Path bad = file("tuned.yaml", """
            clusters:
              a: {namesrv: 127.0.0.1:9876}
              b: {namesrv: 127.0.0.1:9877}
            backups:
              - {name: x, source: a, target: b, topics: [t]}
            copy:
              sendTimeout: 10m
            """);
        Outcome outcome = run("validate", "--config", bad.toString());
        assertThat(outcome.code()).isEqualTo(2);
        assertThat(outcome.err().strip()).isEqualTo(bad + ": copy.sendTimeout: 10m is out of range (100ms to 1m)");
    }

    @Test
    void failoverAndOffsetsResetNameWhatIsWrongInTheirArguments() throws IOException {
        Path config = file("ok.yaml", """
            clusters:
              a: {namesrv: 127.0.0.1:9876}
              b: {embedded: true}
            backups:
              - {name: x, source: a, target: b, topics: [t]}
            """);
        Outcome unknown = run("failover", "--config", config.toString(), "--group", "g", "--from", "a", "--to", "c");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err().strip()).isEqualTo(config + ": --to c: no such cluster (known: a, b)");

        Outcome embedded = run("failover", "--config", config.toString(), "--group", "g", "--from", "a", "--to", "b");
        assertThat(embedded.code()).isEqualTo(2);
        assertThat(embedded.err().strip())
            .isEqualTo(config + ": --to b: an embedded cluster has no address outside the Ferry that runs it");

        Outcome badTime = run("offsets", "reset", "--config", config.toString(), "--cluster", "a", "--group", "g",
            "--topic", "t", "--to-time", "yesterday");
        assertThat(badTime.code()).isEqualTo(2);
        assertThat(badTime.err().strip()).isEqualTo("ferry offsets reset: --to-time yesterday: not an ISO-8601 instant"
            + " (e.g. 2026-11-25T10:00:00Z or 2026-11-25T10:00:00+08:00)");

        Outcome twoPositions = run("offsets", "reset", "--config", config.toString(), "--cluster", "a", "--group", "g",
            "--topic", "t", "--to-earliest", "--to-latest");
        assertThat(twoPositions.code()).isEqualTo(2);
        assertThat(twoPositions.err()).contains("mutually exclusive");
    }

    @Test
    void failbackNamesWhatIsWrongInItsArguments() throws IOException {
        Path config = file("dr.yaml", """
            clusters:
              home: {namesrv: 127.0.0.1:9876}
              away: {namesrv: 127.0.0.1:9877}
              east: {namesrv: 127.0.0.1:9878}
            backups:
              - {name: dr, source: home, target: away, topics: [payments]}
              - {name: renamed, source: east, target: away, topics: [orders], targetTopic: "east_${topic}"}
              - {name: both, mode: two-way, source: east, target: home, topics: [trades]}
            """);
        Outcome unknown = run("failback", "--config", config.toString(), "--from", "away", "--to", "nowhere");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err().strip()).isEqualTo(config + ": --to nowhere: no such cluster (known: home, away, east)");

        Outcome noBackup = run("failback", "--config", config.toString(), "--from", "home", "--to", "away");
        assertThat(noBackup.code()).isEqualTo(2);
        assertThat(noBackup.err().strip()).isEqualTo("ferry failback: no one-way backup copies 'away' to 'home'");

        Outcome renamed = run("failback", "--config", config.toString(), "--from", "away", "--to", "east");
        assertThat(renamed.code()).isEqualTo(2);
        assertThat(renamed.err().strip()).isEqualTo("ferry failback: backup 'renamed' renames topics (targetTopic:"
            + " east_${topic}); failback copies back only topics of the same name");

        Outcome twoWay = run("failback", "--config", config.toString(), "--from", "east", "--to", "home");
        assertThat(twoWay.code()).isEqualTo(2);
        assertThat(twoWay.err().strip()).isEqualTo("ferry failback: backup 'both' is two-way: east -> home copies all"
            + " along; move groups back with `ferry failover --group G --from east --to home`");
    }

    @Test
    void aSecretFileThatCannotBeReadIsExit2NamingItButNeverASecret() throws IOException {
        Path missing = dir.resolve("hz-sk");
        Path shortKey = Files.writeString(dir.resolve("ferry-signing-key"), "never-shown-key\n");
        Path config = file("secrets.yaml", """
            clusters:
              a: {namesrv: 127.0.0.1:9876, accessKey: ak, secretKey: "${file:%s}"}
              b: {embedded: true}
            backups:
              - {name: x, source: a, target: b, topics: [t]}
            """.formatted(missing));
        Path signed = file("signed.yaml", """
            clusters:
              a: {namesrv: 127.0.0.1:9876}
              b: {embedded: true}
            backups:
              - {name: x, source: a, target: b, topics: [t]}
            signingKey: "${file:%s}"
            """.formatted(shortKey));
        for (String command : new String[] {"validate", "run"}) {
            Outcome outcome = run(command, "--config", config.toString());
            assertThat(outcome.code()).as(command).isEqualTo(2);
            assertThat(outcome.err().strip()).as(command).isEqualTo(config + ": clusters.a.secretKey: secret file '"
                + missing + "' does not exist");
            Outcome tooShort = run(command, "--config", signed.toString());
            assertThat(tooShort.code()).as(command).isEqualTo(2);
            assertThat(tooShort.err().strip()).as(command).startsWith(signed + ": signingKey: too short: 15 bytes")
                .doesNotContain("never-shown");
        }
    }

    @Test
    void aMissingFileIsExit2() {
        Outcome outcome = run("validate", "--config", dir.resolve("none.yaml").toString());
        assertThat(outcome.code()).isEqualTo(2);
        assertThat(outcome.err()).contains("none.yaml").contains("no such file");
    }

    @Test
    void anUnreachableClusterFailsValidationWithExit2() throws IOException {
        int port = freePort();
        Path config = file("unreachable.yaml", """
            clusters:
              a: {namesrv: 127.0.0.1:%d}
              b: {embedded: true}
            backups:
              - {name: x, source: a, target: b, topics: [t]}
            """.formatted(port));
        Outcome outcome = run("validate", "--config", config.toString());
        assertThat(outcome.code()).isEqualTo(2);
        assertThat(outcome.err()).contains("'a'").contains("not reachable");
    }

    @Test
    void badUsageIsExit2() {
        assertThat(run("run").code()).isEqualTo(2);
        assertThat(run("no-such-command").code()).isEqualTo(2);
        assertThat(run("demo", "--duration", "-3").code()).isEqualTo(2);
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
