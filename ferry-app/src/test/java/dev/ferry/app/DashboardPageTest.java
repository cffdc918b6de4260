package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.ferry.config.HttpConfig;
import dev.ferry.demo.Dashboard;
import dev.ferry.watch.ReloadStatus;
import dev.ferry.watch.Snapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard page in a real headless Chromium, fed a fixed snapshot by a {@link StatusServer} (no broker): what
 * it shows of a state that {@code DemoTest}'s live demo never reaches.
 */
class DashboardPageTest {

    @TempDir
    Path profile;

    @Test
    void aReloadThatFailedIsListedUnderProblemsWhileTheLinksStayHealthy() throws Exception {
        if (!Dashboard.browserInstalled()) {
            if (System.getenv("CI") != null) {
                fail("this test needs " + Dashboard.CHROMIUM + " and " + Dashboard.CHROMEDRIVER
                    + ": .ci/run installs Debian's chromium and chromium-driver");
            }
            Assumptions.abort("not checked in a browser: apt-get install chromium chromium-driver");
        }
        Snapshot failed = new Snapshot(System.currentTimeMillis(), true, List.of(), List.of(), List.of(), List.of(),
            List.of()).withReload(ReloadStatus.NONE.failed(System.currentTimeMillis(),
                "ferry.yaml: backups[0].topics: missing"));
        try (StatusServer server = StatusServer.start(new HttpConfig("127.0.0.1", 0), () -> failed, () -> "");
             Dashboard page = Dashboard.start(profile)) {
            page.open("http://" + server.address() + "/");
            page.awaitRenders(1, Duration.ofSeconds(30));

            assertThat(page.text()).contains("Healthy")
                .contains("Reload failed at").contains("still running the configuration loaded before")
                .contains("ferry.yaml: backups[0].topics: missing");
            assertThat(page.consoleProblems()).isEmpty();
        }
    }
}
