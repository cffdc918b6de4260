package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ${file:PATH}}: a secret read from a file, as Kubernetes mounts them, and {@code signingKey}. Whatever goes
 * wrong is one line naming the configuration file, the key and the secret file, never what the file holds.
 */
class SecretFilesTest {

    private static final String SECRET = "SK-never-shown-7f3a";
    private static final String SIGNING_KEY = "never-shown-signing-key-0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void readsASecretFromAFileWithoutItsTrailingLineBreaks() throws Exception {
        Path secret = Files.writeString(dir.resolve("hz-sk"), SECRET + "\n");
        Path crlf = Files.writeString(dir.resolve("hz-ak"), "AK-1\r\n\n");

        FerryConfig config = load(cluster("accessKey: ${file:" + crlf + "}", "secretKey: ${file:" + secret + "}"));

        assertThat(config.cluster("hangzhou").credentials()).hasValueSatisfying(c -> {
            assertThat(c.accessKey()).isEqualTo("AK-1");
            assertThat(c.secretKey()).isEqualTo(SECRET);
        });
        assertThat(config.toString()).doesNotContain(SECRET);
    }

    @Test
    void keepsWhatIsAroundTheReferenceAndTakesTheFileAsItIs() throws Exception {
        Path unit = Files.writeString(dir.resolve("unit"), "hz-${UNIT}\n\n");

        FerryConfig config = load(cluster("stamp: {unit: \"u-${file:" + unit + "}-x\"}"));

        assertThat(config.cluster("hangzhou").stamp()).containsEntry("unit", "u-hz-${UNIT}-x");
    }

    @Test
    void readsTheFileOnceWhenLoading() throws Exception {
        Path secret = Files.writeString(dir.resolve("hz-sk"), SECRET);
        FerryConfig config = load(cluster("accessKey: ak", "secretKey: ${file:" + secret + "}"));

        Files.writeString(secret, "changed");

        assertThat(config.cluster("hangzhou").secretKey()).isEqualTo(SECRET);
    }

    @Test
    void refusesAFileThatDoesNotExistNamingTheFile() throws Exception {
        Path missing = dir.resolve("no-such-secret");

        assertThat(problem(cluster("accessKey: ak", "secretKey: ${file:" + missing + "}")))
            .endsWith(": clusters.hangzhou.secretKey: secret file '" + missing + "' does not exist");
    }

    @Test
    void refusesADirectory() throws Exception {
        assertThat(problem(cluster("accessKey: ak", "secretKey: ${file:" + dir + "}")))
            .endsWith(": clusters.hangzhou.secretKey: secret file '" + dir + "' is a directory");
    }

    @Test
    void refusesAnEmptyFileAndOneOfLineBreaksOnly() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "");
        Path breaks = Files.writeString(dir.resolve("breaks"), "\n\r\n");

        assertThat(problem(cluster("accessKey: ${file:" + empty + "}", "secretKey: sk")))
            .endsWith(": clusters.hangzhou.accessKey: secret file '" + empty + "' is empty");
        assertThat(problem(cluster("accessKey: ${file:" + breaks + "}", "secretKey: sk")))
            .endsWith(": clusters.hangzhou.accessKey: secret file '" + breaks + "' is empty");
    }

    @Test
    void refusesWhatIsNoSecretWithoutShowingIt() throws Exception {
        byte[] notText = (SECRET + "\u00e9").getBytes(StandardCharsets.ISO_8859_1);
        Path binary = Files.write(dir.resolve("binary"), notText);
        Path large = Files.writeString(dir.resolve("large"), SECRET.repeat(4_000));

        assertThat(problem(cluster("accessKey: ak", "secretKey: ${file:" + binary + "}")))
            .endsWith(": clusters.hangzhou.secretKey: secret file '" + binary + "' is not UTF-8 text");
        assertThat(problem(cluster("accessKey: ak", "secretKey: ${file:" + large + "}")))
            .endsWith(": clusters.hangzhou.secretKey: secret file '" + large + "' is larger than 64 KiB (a secret is a"
                + " few dozen bytes: is it the right file?)");
    }

    @Test
    void refusesAFileItMayNotRead() throws Exception {
        Path secret = Files.writeString(dir.resolve("hz-sk"), SECRET);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        Assumptions.assumeFalse(Files.isReadable(secret), "root reads any file");

        assertThat(problem(cluster("accessKey: ak", "secretKey: ${file:" + secret + "}")))
            .endsWith(": clusters.hangzhou.secretKey: cannot read secret file '" + secret + "': permission denied");
    }

    @Test
    void readsASigningKeyFromAFile() throws Exception {
        Path key = Files.writeString(dir.resolve("ferry-signing-key"), SIGNING_KEY + "\n");

        FerryConfig config = load(cluster() + "signingKey: ${file:" + key + "}\n");

        assertThat(config.signingKey()).contains(SigningKey.of(SIGNING_KEY.getBytes(StandardCharsets.UTF_8)));
        assertThat(config.signingKey().orElseThrow().id()).matches("[0-9a-f]{8}");
        assertThat(config.toString()).doesNotContain(SIGNING_KEY).contains("SigningKey[id=");
        assertThat(load(cluster()).signingKey()).as("no key: nothing signed").isEmpty();
    }

    @Test
    void refusesAShortSigningKeyFromAFileNamingTheKeyOnly() throws Exception {
        Path key = Files.writeString(dir.resolve("ferry-signing-key"), "never-shown\n");

        assertThat(problem(cluster() + "signingKey: ${file:" + key + "}\n"))
            .endsWith(": signingKey: too short: 11 bytes, at least 32 are needed"
                + " (e.g. openssl rand -base64 48 > /run/secrets/ferry-signing-key)");
    }

    @Test
    void differentKeysHaveDifferentIds() {
        SigningKey one = SigningKey.of(SIGNING_KEY.getBytes(StandardCharsets.UTF_8));
        SigningKey other = SigningKey.of((SIGNING_KEY + "!").getBytes(StandardCharsets.UTF_8));

        assertThat(one.id()).isNotEqualTo(other.id()).isEqualTo(SigningKey.of(SIGNING_KEY.getBytes(
            StandardCharsets.UTF_8)).id());
        assertThat(one.toString()).doesNotContain(SIGNING_KEY);
    }

    /** A file with the cluster hangzhou at 127.0.0.1:9876 and these keys, and one backup. */
    private static String cluster(String... keys) {
        StringBuilder hangzhou = new StringBuilder("    namesrv: 127.0.0.1:9876\n");
        for (String key : keys) {
            hangzhou.append("    ").append(key).append('\n');
        }
        return "clusters:\n  hangzhou:\n" + hangzhou + """
              shanghai:
                embedded: true
            backups:
              - {name: orders-dr, source: hangzhou, target: shanghai, topics: [orders]}
            """;
    }

    private FerryConfig load(String yaml) throws IOException, ConfigException {
        return ConfigLoader.load(Files.writeString(dir.resolve("ferry.yaml"), yaml), Map.of("UNIT", "01"));
    }

    private String problem(String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve("ferry.yaml"), yaml);
        ConfigException problem = catchThrowableOfType(ConfigException.class,
            () -> ConfigLoader.load(file, Map.of()));
        assertThat(problem).as("a ConfigException").isNotNull();
        assertThat(problem.getMessage()).startsWith(file + ": ").doesNotContain("\n", "never-shown", SECRET);
        assertThat(problem.getCause()).isNull();
        return problem.getMessage();
    }
}
