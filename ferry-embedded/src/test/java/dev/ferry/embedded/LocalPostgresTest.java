package dev.ferry.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

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
}
