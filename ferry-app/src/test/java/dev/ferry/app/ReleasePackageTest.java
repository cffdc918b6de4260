package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.embedded.EmbeddedCluster;
import dev.ferry.embedded.TopicReader;
import dev.ferry.testing.ClusterPair;
import dev.ferry.testing.TestMessages;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release package as an operator installs it: {@code ferry-<version>.tar.gz} unpacked into an empty folder and
 * run from there with a Java runtime alone. The runtime is a minimal one made with {@code jlink} (no {@code javac},
 * no tools), and the launcher's PATH holds only that runtime and the few commands a shell script needs: no Maven,
 * no JDK, no source tree in reach. The clusters are real, in this JVM.
 *
 * <p>The tarball exists only once {@code package} has run: this class runs in ferry-app's {@code integration-test}
 * phase, in a surefire execution of its own (see ferry-app's pom), so {@code ./mvnw -B verify} runs it.
 */
class ReleasePackageTest {

    /**
     * The Java modules the package needs: what its jars use ({@code jdeps}), less what only tools and unused code
     * paths name. docs/contract.md lists them for operators who build a runtime of their own.
     */
    static final List<String> MODULES = List.of("java.base", "java.desktop", "java.logging", "java.management",
        "java.naming", "java.net.http", "java.sql", "java.xml", "jdk.crypto.ec", "jdk.httpserver", "jdk.management",
        "jdk.naming.dns", "jdk.unsupported");

    private static final String VERSION = System.getProperty("ferry.version");
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    static Path dir;

    /** The unpacked package: {@code ferry-<version>/}. */
    private static Path home;
    /** The jlink'd runtime, made once and kept under target/. */
    private static Path runtime;
    /** Links to the commands the launcher runs besides java (bash, mkdir, readlink), and nothing else. */
    private static Path tools;

    @BeforeAll
    static void unpackAndMakeARuntime() throws Exception {
        String packageFile = System.getProperty("ferry.package");
        assertThat(packageFile).as("the ferry.package system property (set by ferry-app's pom)").isNotNull();
        Path tarball = Path.of(packageFile);
        assertThat(tarball).as("the release package: built by `mvn package`, which runs before this test in"
            + " `mvn verify`").exists();
        Path unpacked = Files.createDirectories(dir.resolve("install"));
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", unpacked.toString())
            .redirectErrorStream(true).start();
        assertThat(tar.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes())).isZero();
        try (Stream<Path> top = Files.list(unpacked)) {
            assertThat(top.map(p -> p.getFileName().toString())).as("one top folder").containsExactly("ferry-" + VERSION);
        }
        home = unpacked.resolve("ferry-" + VERSION);
        runtime = runtime(tarball.getParent());
        tools = Files.createDirectories(dir.resolve("tools"));
        for (String command : List.of("bash", "mkdir", "readlink")) {
            Path found = Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, command)).filter(Files::isExecutable)
                .findFirst().orElseThrow(() -> new AssertionError(command + " is neither in /usr/bin nor in /bin"));
            Files.createSymbolicLink(tools.resolve(command), found);
        }
    }

    /**
     * A runtime of {@link #MODULES} only, made with jlink under {@code target} unless an earlier run made it: its
     * folder is named after the module list, so a changed list makes a new one. It is made beside and moved into
     * place, so a folder of that name is always whole.
     */
    private static Path runtime(Path target) throws IOException {
        Path into = target.resolve("package-jre-" + Integer.toHexString(MODULES.hashCode()));
        if (Files.isExecutable(into.resolve("bin/java"))) {
            return into;
        }
        ToolProvider jlink = ToolProvider.findFirst("jlink")
            .orElseThrow(() -> new AssertionError("jlink: this test needs a JDK (with its jmods) to run"));
        Path building = Files.createTempDirectory(target, "package-jre-building-").resolve("jre");
        StringWriter out = new StringWriter();
        int code = jlink.run(new PrintWriter(out), new PrintWriter(out), "--add-modules", String.join(",", MODULES),
            "--strip-debug", "--no-man-pages", "--no-header-files", "--output", building.toString());
        assertThat(code).as("jlink: " + out).isZero();
        Files.move(building, into, StandardCopyOption.ATOMIC_MOVE);
        Files.delete(building.getParent());
        return into;
    }

    private static List<String> release(Path runtime) {
        try {
            return Files.readAllLines(runtime.resolve("release")).stream().filter(l -> l.startsWith("MODULES="))
                .flatMap(l -> Stream.of(l.substring("MODULES=".length()).replace("\"", "").split(" "))).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Test
    void holdsTheLauncherLibConfDocsTheSystemdUnitAndADockerfile() throws Exception {
        assertThat(home.resolve("bin/ferry")).isExecutable();
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            assertThat(lib.map(p -> p.getFileName().toString()))
                .contains("ferry-app-" + VERSION + ".jar", "ferry-core-" + VERSION + ".jar")
                .anyMatch(jar -> jar.startsWith("rocketmq-client-5."))
                .noneMatch(jar -> jar.startsWith("junit-") || jar.startsWith("assertj-") || jar.startsWith("selenium-"));
        }
        assertThat(Files.readString(home.resolve("docs/contract.md")).replaceAll("\\s+", " "))
            .as("the modules a runtime needs, as the contract lists them").contains(String.join(", ", MODULES));
        assertThat(home.resolve("docs/deploy/deployment.yaml")).exists();
        // The example loads as it is; its clusters are not reached.
        FerryConfig example = ConfigLoader.load(home.resolve("conf/ferry.yaml"), Map.of());
        assertThat(example.backups()).isNotEmpty();
        assertThat(Files.readString(home.resolve("systemd/ferry.service")))
            .contains("ExecStart=/opt/ferry/bin/ferry run --config /etc/ferry/ferry.yaml")
            .contains("User=ferry").contains("Restart=on-failure").contains("TimeoutStopSec=");
        assertThat(Files.readString(home.resolve("Dockerfile")))
            .contains("FROM eclipse-temurin:17-jre").contains("USER ferry").contains("EXPOSE 7070")
            .containsPattern("HEALTHCHECK [^\\n]*\\n[^\\n]*http://127\\.0\\.0\\.1:7070/health");

        Outcome version = ferry(Map.of("PATH", path(true)), "--version");
        assertThat(version.code()).isZero();
        assertThat(version.out().strip()).isEqualTo("ferry " + VERSION);
    }

    @Test
    void saysHowToInstallJavaWhenThereIsNone() throws Exception {
        Outcome none = ferry(Map.of("PATH", path(false)), "--version");
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err().strip().lines()).singleElement().asString()
            .contains("no Java runtime found").contains("install a Java 17 runtime");
    }

    @Test
    void validatesCopiesShowsStatusAndStopsCleanlyWithAJavaRuntimeAlone() throws Exception {
        assertThat(runtime.resolve("bin/javac")).as("a runtime without the compiler").doesNotExist();
        assertThat(release(runtime)).doesNotContain("jdk.compiler", "java.compiler");
        // The shared regions: this class keeps to a topic, a backup and cluster names of its own.
        ClusterPair regions = ClusterPair.shared(ClusterPair.Shape.ONE_BROKER_EACH);
        EmbeddedCluster source = regions.a();
        EmbeddedCluster target = regions.b();
        String topic = "pkg-orders";
        source.createTopic(topic, 4);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("ferry.yaml"), """
            clusters:
              pkg-src: {namesrv: "%s"}
              pkg-dst: {namesrv: "%s"}
            backups:
              - {name: pkg-dr, mode: one-way, source: pkg-src, target: pkg-dst, topics: [%s]}
            http:
              listen: 127.0.0.1:%d
            """.formatted(source.namesrvAddr(), target.namesrvAddr(), topic, port));
        try (TestMessages producer = new TestMessages(source)) {
            producer.send(topic, "pkg", 0, 40, 4);
        }

        // java found on the PATH
        Outcome validate = ferry(Map.of("PATH", path(true)), "validate", "--config", config.toString());
        assertThat(validate.code()).as(validate.toString()).isZero();
        assertThat(validate.out()).contains(config + ": valid: 2 cluster(s)");

        // java found through JAVA_HOME, none on the PATH; RocketMQ's logs under the package's logs/
        Path log = dir.resolve("run.log");
        Process run = launcher(Map.of("PATH", path(false), "JAVA_HOME", runtime.toString(),
            "FERRY_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC"), "run", "--config", config.toString())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await("ferry run from the package is up").atMost(Duration.ofMinutes(1)).until(() -> {
                assertThat(run.isAlive()).as("ferry run exited early; log:%n%s", Files.readString(log)).isTrue();
                return Files.readString(log).contains("Ferry is running");
            });
            List<String> arguments = List.of(run.info().arguments().orElse(new String[0]));
            assertThat(run.info().command()).as("the JVM of JAVA_HOME, exec'd by the launcher")
                .contains(runtime.resolve("bin/java").toString());
            assertThat(arguments).contains("-Dferry.home=" + home, home.resolve("lib") + "/*",
                "-Drocketmq.client.logRoot=" + home.resolve("logs"));

            List<MessageExt> copies = TopicReader.readAll(target, topic, 40);
            assertThat(copies).hasSize(40);
            Map<String, MessageExt> bySeq = copies.stream()
                .collect(Collectors.toMap(m -> m.getUserProperty("seq"), Function.identity()));
            for (long seq = 0; seq < 40; seq++) {
                TestMessages.assertCopyOf(TestMessages.message(topic, "pkg", seq), bySeq.get(Long.toString(seq)));
                assertThat(bySeq.get(Long.toString(seq)).getUserProperty("FERRY_ORIGIN")).isEqualTo("pkg-src");
            }

            // The status server samples every second: asked until its sample shows every copy.
            await("ferry status shows the backup with its 40 copies").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    Outcome status = ferry(Map.of("PATH", path(true)), "status", "--config", config.toString());
                    assertThat(status.code()).as(status.toString()).isZero();
                    assertThat(status.out()).contains("Ferry at http://127.0.0.1:" + port + "/ is healthy")
                        .containsPattern("pkg-dr\\s+pkg-src -> pkg-dst\\s+running\\s+40\\s+0\\s");
                });

            run.destroy();
            assertThat(run.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s of SIGTERM").isTrue();
            assertThat(run.exitValue()).as("exit code on SIGTERM; log:%n%s", Files.readString(log)).isZero();
        } finally {
            if (run.isAlive()) {
                run.destroyForcibly();
                run.waitFor(30, TimeUnit.SECONDS);
            }
        }
        assertThat(home.resolve("logs/rocketmq.log")).as("RocketMQ's client log, in <package>/logs").isNotEmptyFile();
        assertThat(dir.resolve("home/logs")).as("nothing under ~/logs").doesNotExist();
    }

    /** The tools, and the runtime's bin/ when {@code withJava}. */
    private static String path(boolean withJava) {
        return (withJava ? runtime.resolve("bin") + ":" : "") + tools;
    }

    record Outcome(int code, String out, String err) {
    }

    /** Runs {@code bin/ferry} to its end with only {@code environment} (and HOME), from the package's folder. */
    private static Outcome ferry(Map<String, String> environment, String... args) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = launcher(environment, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("bin/ferry " + String.join(" ", args) + " did not end within "
                    + COMMAND_TIMEOUT + "; output: " + Files.readString(out) + Files.readString(err));
            }
        } finally {
            process.destroyForcibly();
        }
        return new Outcome(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static ProcessBuilder launcher(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/ferry").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        builder.environment().clear();
        builder.environment().put("HOME", Files.createDirectories(dir.resolve("home")).toString());
        builder.environment().putAll(environment);
        return builder;
    }
}
