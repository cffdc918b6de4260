package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What counts as loopback, and that no {@link HttpConfig} beyond loopback exists without a token or a waiver. */
class HttpConfigTest {

    private static final String TOKEN = "tok-0123456789abcdef-never-shown";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "127.255.255.255", "::1", "[::1]"})
    void loopbackNames(String host) {
        assertThat(Loopback.isLoopback(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "10.0.0.1", "128.0.0.1", "127.0.0.256", "127.0.0", "127.0.0.1.nip.io",
        "localhost.example.com", "evil.com", "", "::", "[::]", "::ffff:127.0.0.1"})
    void notLoopbackNames(String host) {
        assertThat(Loopback.isLoopback(host)).isFalse();
    }

    @Test
    void beyondLoopbackNeedsATokenOrAnExplicitWaiver() {
        assertThatThrownBy(() -> new HttpConfig("0.0.0.0", 7070)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("not a loopback address");
        assertThat(new HttpConfig("0.0.0.0", 7070, Optional.of(TOKEN), false).loopback()).isFalse();
        assertThat(new HttpConfig("0.0.0.0", 7070, Optional.empty(), true).token()).isEmpty();
        assertThat(new HttpConfig("localhost", 0).loopback()).isTrue();
        assertThat(HttpConfig.DEFAULT.loopback()).isTrue();
    }

    @Test
    void aTokenAndTheWaiverExcludeEachOtherAndABadTokenIsNotEchoed() {
        assertThatThrownBy(() -> new HttpConfig("0.0.0.0", 7070, Optional.of(TOKEN), true))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpConfig("127.0.0.1", 7070, Optional.of("short-" + TOKEN.substring(0, 5)),
            false)).isInstanceOf(IllegalArgumentException.class).message().doesNotContain(TOKEN.substring(0, 5));
    }

    @Test
    void theTokenNeverShowsInToString() {
        HttpConfig http = new HttpConfig("0.0.0.0", 7070, Optional.of(TOKEN), false);

        assertThat(http.toString()).isEqualTo("0.0.0.0:7070");
    }

    @Test
    void readsTheTokenFromTheEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("ferry.yaml"), """
            clusters:
              hangzhou: {namesrv: 127.0.0.1:9876}
              shanghai: {embedded: true}
            backups:
              - {name: orders-dr, source: hangzhou, target: shanghai, topics: [orders]}
            http:
              listen: 0.0.0.0:7070
              token: ${FERRY_HTTP_TOKEN}
            """);

        HttpConfig http = ConfigLoader.load(file, Map.of("FERRY_HTTP_TOKEN", TOKEN)).http();

        assertThat(http).isEqualTo(new HttpConfig("0.0.0.0", 7070, Optional.of(TOKEN), false));
    }

    @Test
    void loopbackMayHaveATokenAndAWaiverIsHarmlessThere() throws Exception {
        String clusters = """
            clusters:
              hangzhou: {namesrv: 127.0.0.1:9876}
              shanghai: {embedded: true}
            backups:
              - {name: orders-dr, source: hangzhou, target: shanghai, topics: [orders]}
            """;
        Path withToken = Files.writeString(dir.resolve("token.yaml"),
            clusters + "http: {listen: 'localhost:7071', token: " + TOKEN + "}\n");
        Path waived = Files.writeString(dir.resolve("waived.yaml"),
            clusters + "http: {listen: 0.0.0.0:7072, allowUnauthenticated: true}\n");

        assertThat(ConfigLoader.load(withToken, Map.of()).http())
            .isEqualTo(new HttpConfig("localhost", 7071, Optional.of(TOKEN), false));
        assertThat(ConfigLoader.load(waived, Map.of()).http())
            .isEqualTo(new HttpConfig("0.0.0.0", 7072, Optional.empty(), true));
    }
}
