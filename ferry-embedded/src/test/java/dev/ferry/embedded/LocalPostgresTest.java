package dev.ferry.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPostgresTest {

    @Test
    void startsOnLoopbackAcceptsConnectionsAndLeavesNothingRunningWhenClosed() throws IOException {
        Path dataDir;
        int port;
        try (LocalPostgres postgres = LocalPostgres.start(Path.of("target"))) {
            port = postgres.port();
            dataDir = Path.of("target").toAbsolutePath().resolve("postgres-" + port);
            assertThat(postgres.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + port + "/ferry");
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            }
            assertThat(dataDir.resolve("postmaster.pid")).exists();
        }
        assertThat(dataDir).doesNotExist();
        assertThat(Ports.isFree(port)).isTrue();
        assertThat(Files.readString(Path.of("target").resolve("postgres-" + port + ".log")))
            .contains("database system is ready to accept connections");
    }

    @Test
    void findsTheNewestInstalledServerAndSaysWhatToInstallWithoutOne(@TempDir Path dir) throws IOException {
        Path versions = dir.resolve("postgresql");
        assertThatThrownBy(() -> LocalPostgres.binaries(Optional.empty(), versions))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("initdb").hasMessageContaining("apt-get install postgresql");

        Path clientOnly = fakeBin(versions.resolve("16"), "psql");
        Path older = fakeBin(versions.resolve("13"), "initdb", "pg_ctl", "postgres", "createdb");
        Path newer = fakeBin(versions.resolve("15"), "initdb", "pg_ctl", "postgres", "createdb");
        assertThat(LocalPostgres.binaries(Optional.of(clientOnly), versions)).isEqualTo(newer);
        assertThat(LocalPostgres.binaries(Optional.of(older), versions)).as("pg_config's first").isEqualTo(older);
    }

    private static Path fakeBin(Path version, String... programs) throws IOException {
        Path bin = Files.createDirectories(version.resolve("bin"));
        for (String program : programs) {
            Path file = Files.createFile(bin.resolve(program));
            assertThat(file.toFile().setExecutable(true)).isTrue();
        }
        return bin;
    }
}
