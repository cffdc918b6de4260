package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example Kubernetes manifests in docs/deploy hold together: the ConfigMap's ferry.yaml loads with Ferry's own
 * loader, each secret it reads is a key of the Secret mounted where it looks, the probes ask {@code /health} on the
 * port Ferry listens on, and the container runs the mounted file. Reading and loading only: the clusters the
 * example names are never reached.
 */
class DeployManifestsTest {

    private static final Path DEPLOY = Path.of("../docs/deploy");
    private static final Pattern SECRET_FILE = Pattern.compile("\\$\\{file:([^}]*)}");
    private static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    Path dir;

    private static JsonNode manifest(String file, String kind) throws IOException {
        JsonNode node = YAML.readTree(DEPLOY.resolve(file).toFile());
        assertThat(node.path("kind").asText()).as(file).isEqualTo(kind);
        return node;
    }

    private static JsonNode pod() throws IOException {
        return manifest("deployment.yaml", "Deployment").path("spec").path("template").path("spec");
    }

    private static JsonNode container() throws IOException {
        JsonNode containers = pod().path("containers");
        assertThat(containers).as("containers").hasSize(1);
        return containers.get(0);
    }

    private static String ferryYaml() throws IOException {
        JsonNode text = manifest("configmap.yaml", "ConfigMap").path("data").path("ferry.yaml");
        assertThat(text.isTextual()).as("configmap.yaml holds data.ferry.yaml").isTrue();
        return text.asText();
    }

    /** The volume mounted at {@code mountPath} or above {@code path}, by the container. */
    private static Optional<JsonNode> volumeHolding(String path) throws IOException {
        for (JsonNode mount : container().path("volumeMounts")) {
            String at = mount.path("mountPath").asText();
            if (path.equals(at) || path.startsWith(at + "/")) {
                for (JsonNode volume : pod().path("volumes")) {
                    if (volume.path("name").asText().equals(mount.path("name").asText())) {
                        return Optional.of(((ObjectNode) volume.deepCopy())
                            .put("mountPath", at));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The ConfigMap's ferry.yaml, loaded as a pod would load it: each secret file it names written under
     * {@link #dir} (a fake value, of the shape the key needs) and its path there; the container's env.
     */
    private FerryConfig loadAsThePodDoes() throws Exception {
        String yaml = ferryYaml();
        Matcher file = SECRET_FILE.matcher(yaml);
        StringBuilder local = new StringBuilder();
        while (file.find()) {
            Path faked = dir.resolve(file.group(1).substring(1));
            Files.createDirectories(faked.getParent());
            // 64 hex digits: a bearer token, a signing key of 64 bytes, an ACL key alike
            Files.writeString(faked, "0123456789abcdef".repeat(4) + "\n");
            file.appendReplacement(local, Matcher.quoteReplacement("${file:" + faked + "}"));
        }
        file.appendTail(local);
        Map<String, String> environment = new HashMap<>();
        container().path("env").forEach(v -> environment.put(v.path("name").asText(), v.path("value").asText()));
        Path config = Files.writeString(dir.resolve("ferry.yaml"), local);
        return ConfigLoader.load(config, environment);
    }

    @Test
    void theConfigMapsFerryYamlLoadsWithEverySecretItReadsAKeyOfTheMountedSecret() throws Exception {
        JsonNode secret = manifest("secret.yaml", "Secret");
        List<String> files = new ArrayList<>();
        Matcher file = SECRET_FILE.matcher(ferryYaml());
        while (file.find()) {
            files.add(file.group(1));
        }
        assertThat(files).as("secrets read from files").isNotEmpty();
        for (String path : files) {
            JsonNode volume = volumeHolding(path)
                .orElseThrow(() -> new AssertionError(path + " is under no volume the container mounts"));
            assertThat(volume.path("secret").path("secretName").asText()).as(path + ": the Secret mounted there")
                .isEqualTo(secret.path("metadata").path("name").asText());
            String key = path.substring(volume.path("mountPath").asText().length() + 1);
            assertThat(secret.path("stringData").has(key)).as(path + ": key " + key + " of the Secret").isTrue();
        }

        FerryConfig config = loadAsThePodDoes();
        assertThat(config.backups()).isNotEmpty();
        assertThat(config.http().host()).as("reachable by the kubelet's probes").isEqualTo("0.0.0.0");
        assertThat(config.http().token()).as("beyond loopback, with a token").isPresent();
        assertThat(config.signingKey()).as("all replicas sign with one key").isPresent();
        config.clusters().values().forEach(cluster ->
            assertThat(cluster.accessKey()).as(cluster.name() + "'s ACL keys, from the Secret").isNotBlank());
    }

    @Test
    void bothProbesAskHealthOnThePortFerryListensOn() throws Exception {
        int port = loadAsThePodDoes().http().port();
        JsonNode container = container();
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.path("path").asText()).as(probe).isEqualTo("/health");
            assertThat(containerPort(container, get.path("port"))).as(probe + "'s port").isEqualTo(port);
        }
        JsonNode service = manifest("service.yaml", "Service").path("spec").path("ports").get(0);
        assertThat(containerPort(container, service.path("targetPort"))).as("the Service's target port").isEqualTo(port);
    }

    /** A probe's or Service's port: a number, or the name of one of the container's ports. */
    private static int containerPort(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        for (JsonNode named : container.path("ports")) {
            if (named.path("name").asText().equals(port.asText())) {
                return named.path("containerPort").asInt();
            }
        }
        throw new AssertionError("the container has no port named " + port.asText());
    }

    @Test
    void replicasRunTheMountedConfigurationAsTheImagesUser() throws Exception {
        JsonNode deployment = manifest("deployment.yaml", "Deployment");
        assertThat(deployment.path("spec").path("replicas").asInt()).as("replicas sharing the work").isGreaterThan(1);
        assertThat(deployment.path("spec").path("template").path("metadata").path("labels"))
            .isEqualTo(deployment.path("spec").path("selector").path("matchLabels"));
        List<String> args = new ArrayList<>();
        container().path("args").forEach(a -> args.add(a.asText()));
        assertThat(args).hasSize(3).startsWith("run", "--config");
        JsonNode volume = volumeHolding(args.get(2))
            .orElseThrow(() -> new AssertionError(args.get(2) + " is under no volume the container mounts"));
        assertThat(volume.path("configMap").path("name").asText())
            .isEqualTo(manifest("configmap.yaml", "ConfigMap").path("metadata").path("name").asText());
        assertThat(args.get(2)).isEqualTo(volume.path("mountPath").asText() + "/ferry.yaml");
        assertThat(pod().path("terminationGracePeriodSeconds").asInt()).as("time for a clean stop")
            .isGreaterThanOrEqualTo(30);
        // The user the release package's Dockerfile creates, so that the secret files (fsGroup) are readable.
        String uid = pod().path("securityContext").path("runAsUser").asText();
        assertThat(uid).as("the pod's securityContext.runAsUser").matches("[1-9][0-9]*");
        assertThat(Files.readString(Path.of("src/dist/Dockerfile"))).contains("--uid " + uid + " ");
        assertThat(pod().path("securityContext").path("fsGroup").asText()).isEqualTo(uid);
    }
}
