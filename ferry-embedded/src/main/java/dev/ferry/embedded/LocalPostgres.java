package dev.ferry.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throw-away PostgreSQL server for tests: a fresh cluster in a folder of its own, listening on 127.0.0.1 only,
 * with one empty database, stopped and deleted by {@link #close()}.
 *
 * <pre>{@code
 * try (LocalPostgres postgres = LocalPostgres.start(Path.of("target"))) {
 *     Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
 * }
 * }</pre>
 *
 * <p>It runs the binaries of an installed PostgreSQL (Debian's {@code postgresql} package: found through
 * {@code pg_config --bindir}, else the newest {@code /usr/lib/postgresql/<version>/bin}); nothing is downloaded.
 * PostgreSQL refuses to run as root, so when the tests run as root (containers, CI) the server runs as the
 * {@code postgres} system user that the package creates, through {@code runuser}, and the folder is handed to
 * that user. Durability is traded for speed ({@code fsync=off}): a crash of the machine loses the test's data,
 * a crash or kill of a client never does. Authentication is {@code trust}, which is safe only because nothing
 * but this machine can reach 127.0.0.1 and the Unix socket lives in the private data folder.
 *
 * <p>This class does not need a JDBC driver: it starts and prepares the server with PostgreSQL's own tools
 * ({@code initdb}, {@code pg_ctl}, {@code createdb}), and tests bring the driver they connect with.
 */
public final class LocalPostgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);

    /** The superuser initdb creates; the tests connect as it. */
    private static final String USER = "postgres";
    private static final String DATABASE = "ferry";
    private static final String SERVER_USER = "postgres";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    private final Path bin;
    private final Path dataDir;
    private final Path log;
    private final int port;
    private final boolean asServerUser;
    private boolean closed;

    private LocalPostgres(Path bin, Path dataDir, Path log, int port, boolean asServerUser) {
        this.bin = bin;
        this.dataDir = dataDir;
        this.log = log;
        this.port = port;
        this.asServerUser = asServerUser;
    }

    /**
     * Creates a cluster in a new folder under {@code parent} (a module's {@code target/}, say), starts it, waits
     * until it accepts connections, and creates the database {@link #database()}.
     *
     * @throws IllegalStateException if PostgreSQL is not installed or does not start; the message says why and
     *     where its log is
     */
    public static LocalPostgres start(Path parent) {
        Path bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        int port = Ports.pickPostgresPort();
        Path parentDir = parent.toAbsolutePath();
        Path dataDir = parentDir.resolve("postgres-" + port);
        Path log = parentDir.resolve("postgres-" + port + ".log");
        try {
            Files.createDirectories(dataDir);
            Files.deleteIfExists(log);
            Files.createFile(log);
            if (root) {
                UserPrincipal serverUser = dataDir.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(SERVER_USER);
                Files.setOwner(dataDir, serverUser);
                Files.setOwner(log, serverUser);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare " + dataDir + " for PostgreSQL (as root, the tests need"
                + " the '" + SERVER_USER + "' system user that Debian's postgresql package creates): " + e, e);
        }
        LocalPostgres postgres = new LocalPostgres(bin, dataDir, log, port, root);
        long startNanos = System.nanoTime();
        try {
            postgres.run(postgres.asServer("initdb", "-D", dataDir.toString(), "-U", USER, "-A", "trust",
                "-E", "UTF8", "--locale=C", "--no-sync"));
            postgres.run(postgres.asServer("pg_ctl", "-D", dataDir.toString(), "-l", log.toString(), "-w",
                "-t", "60", "-o", String.join(" ",
                    "-c listen_addresses=127.0.0.1",
                    "-c port=" + port,
                    "-c unix_socket_directories=" + dataDir,
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                    "-c max_connections=60",
                    "-c shared_buffers=32MB"),
                "start"));
            postgres.run(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port),
                "-U", USER, DATABASE));
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(postgres::close, "local-postgres-" + port + "-stop"));
        LOG.info("PostgreSQL from {} started on 127.0.0.1:{} in {} ms, data in {}", bin, port,
            Duration.ofNanos(System.nanoTime() - startNanos).toMillis(), dataDir);
        return postgres;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** The user to connect as (a superuser, no password). */
    public String user() {
        return USER;
    }

    public String database() {
        return DATABASE;
    }

    public int port() {
        return port;
    }

    /** The server's log, kept after {@link #close()}. */
    public Path log() {
        return log;
    }

    /** Stops the server ({@code pg_ctl stop -m fast}: open connections are cut) and deletes its data folder. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Files.exists(dataDir.resolve("postmaster.pid"))) {
            try {
                run(asServer("pg_ctl", "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "60", "stop"));
            } catch (RuntimeException e) {
                LOG.warn("Stopping PostgreSQL on port {} failed: {}", port, e.getMessage());
                return; // its files stay, for whoever looks into it
            }
        }
        deleteRecursively(dataDir);
        LOG.info("PostgreSQL on port {} stopped; its log is {}", port, log);
    }

    /** Where the PostgreSQL server binaries are, or a failure saying what to install. */
    static Path binaries() {
        return binaries(pgConfigBindir(), Path.of("/usr/lib/postgresql"));
    }

    /** The first of {@code pgConfigBindir}, the newest {@code <versions>/<major>/bin}, that holds the server. */
    static Path binaries(Optional<Path> pgConfigBindir, Path versions) {
        Optional<Path> fromPgConfig = pgConfigBindir.filter(LocalPostgres::hasServer);
        if (fromPgConfig.isPresent()) {
            return fromPgConfig.get();
        }
        if (Files.isDirectory(versions)) {
            try (Stream<Path> dirs = Files.list(versions)) {
                Optional<Path> newest = dirs.map(dir -> dir.resolve("bin")).filter(LocalPostgres::hasServer)
                    .max(Comparator.comparingInt(LocalPostgres::majorVersion));
                if (newest.isPresent()) {
                    return newest.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("PostgreSQL's server binaries (initdb, pg_ctl, postgres) were not found,"
            + " neither through 'pg_config --bindir' nor under " + versions + "/<version>/bin: install them"
            + " (Debian, Ubuntu: apt-get install postgresql; .ci/run does)");
    }

    private static Optional<Path> pgConfigBindir() {
        try {
            Process process = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0
                ? Optional.of(Path.of(out)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static boolean hasServer(Path bin) {
        return Stream.of("initdb", "pg_ctl", "postgres", "createdb")
            .allMatch(name -> Files.isExecutable(bin.resolve(name)));
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A server command, run as the {@code postgres} user when this JVM is root. */
    private List<String> asServer(String program, String... args) {
        List<String> command = new ArrayList<>();
        if (asServerUser) {
            command.addAll(List.of("runuser", "-u", SERVER_USER, "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        return command;
    }

    /** Runs {@code command} to its end, its output appended to the log; fails naming the command and the log. */
    private void run(List<String> command) {
        try {
            // The server started by pg_ctl inherits the output: a file, so that it never blocks on a full pipe.
            Process process = new ProcessBuilder(command)
                .directory(dataDir.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not end within " + COMMAND_TIMEOUT
                    + "; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit code "
                    + process.exitValue() + "; see " + log + ": " + tail());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static void deleteRecursively(Path dir) {
        try {
            StoreDirs.deleteTree(dir);
        } catch (IOException e) {
            LOG.warn("Cannot delete PostgreSQL's folder {}: {}", dir, e.toString());
        }
    }

    @Override
    public String toString() {
        return "LocalPostgres[127.0.0.1:" + port + ", " + dataDir + "]";
    }
}
