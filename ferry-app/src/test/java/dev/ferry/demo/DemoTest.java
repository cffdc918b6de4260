package dev.ferry.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.ferry.app.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;

/**
 * {@code bin/ferry demo} until Ctrl-C: every scenario's closing check passes; meanwhile the dashboard it prints
 * the address of is opened in a real headless Chromium.
 */
class DemoTest {

    private static final List<String> CLUSTERS = List.of("unit-a", "unit-b", "center", "primary", "standby", "east",
        "west");
    private static final List<String> BACKUPS = List.of("aggregate-unit-a", "aggregate-unit-b", "dr-payments",
        "active-active");
    private static final Pattern DASHBOARD = Pattern.compile("Dashboard: (http://\\S+/)");

    @TempDir
    Path profile;

    @Test
    void theDemoRunsItsClosingCheckPassesAndItsDashboardShowsEveryClusterAndBackupLive() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // No --duration: the demo runs until Ctrl-C, which this test sends once the dashboard was looked at. It runs
        // on a thread of its own: on two cores the common pool has one worker, which Selenium needs to start.
        ExecutorService runner = Executors.newSingleThreadExecutor();
        CompletableFuture<Integer> demo = CompletableFuture.supplyAsync(() -> Main.execute(new PrintWriter(out),
            new PrintWriter(err), "demo", "--rate", "40", "--http", "127.0.0.1:0"), runner);
        runner.shutdown();
        boolean browser = Dashboard.browserInstalled();
        Dashboard page = null;
        try {
            // The browser starts while the demo starts its clusters, not after: on two cores both are slow.
            page = browser ? Dashboard.start(profile) : null;
            String url = await().atMost(Duration.ofMinutes(3)).until(() -> dashboardUrl(out.toString()),
                u -> u != null || demo.isDone());
            assertThat(url).as("the demo prints its dashboard's address\n" + out + err).isNotNull();
            System.out.println("dashboard: the demo printed " + url);
            if (browser) {
                checkDashboard(page, url);
            } else {
                // No browser: the closing check still needs the scenarios live, which the demo says over HTTP.
                await("the demo's backups are all live").atMost(Duration.ofMinutes(2))
                    .until(() -> healthy(url) || demo.isDone());
            }
        } finally {
            if (page != null) {
                page.close();
            }
            if (!demo.isDone()) {
                Signal.raise(new Signal("INT"));
            }
        }
        int code = demo.get(5, TimeUnit.MINUTES);
        String text = out.toString();
        assertThat(code).as(text + err).isZero();
        assertThat(text).contains("Stopping on request.");
        assertThat(text).contains("aggregation").contains("disaster recovery").contains("All scenarios PASS.")
            .doesNotContain("FAIL");
        assertThat(text).containsPattern("aggregation\\s+center/orders: \\d+ sent").contains("unit-a=").contains("unit-b=");
        assertThat(text).containsPattern("active-active\\s+east/trades: \\d+ sent.*east\\(local\\)=\\d+, west=\\d+.*PASS")
            .containsPattern("active-active\\s+west/trades: \\d+ sent.*east=\\d+, west\\(local\\)=\\d+.*PASS")
            .containsPattern("east/trades with SQL-92 FERRY_ORIGIN IS NULL: \\d+ received, (\\d+) distinct, \\1 expected: PASS")
            .containsPattern("west/trades with SQL-92 FERRY_ORIGIN = 'east': \\d+ received, (\\d+) distinct, \\1 expected: PASS")
            .containsPattern("center/orders: \\d+ sent, \\d+ arrived .*; missing 0, looped 0, unexpected 0: PASS");
        if (!browser) {
            if (System.getenv("CI") != null) {
                fail("the dashboard test needs " + Dashboard.CHROMIUM + " and " + Dashboard.CHROMEDRIVER
                    + ": .ci/run installs Debian's chromium and chromium-driver");
            }
            Assumptions.abort("dashboard not checked in a browser: apt-get install chromium chromium-driver");
        }
    }

    private void checkDashboard(Dashboard page, String url) throws Exception {
        long start = System.nanoTime();
        page.open(url);
        progress("opened in Chromium", start);
        page.awaitRenders(2, Duration.ofSeconds(60));
        progress("drawn twice", start);
        assertThat(page.title()).contains("Ferry");
        assertThat(page.clusters()).containsExactlyInAnyOrderElementsOf(CLUSTERS);
        assertThat(page.links()).containsExactlyInAnyOrder("aggregate-unit-a:unit-a->center",
            "aggregate-unit-b:unit-b->center", "dr-payments:primary->standby", "active-active:east->west",
            "active-active:west->east");
        String text = page.text();
        CLUSTERS.forEach(c -> assertThat(text).contains(c));
        BACKUPS.forEach(b -> assertThat(text).contains(b));

        // While the sample applications produce, what the page shows moves by itself.
        String link = "active-active:east->west";
        double before = page.field(link, "copied");
        page.awaitFieldAbove(link, "copied", before, Duration.ofSeconds(60));
        page.awaitFieldAbove("dr-payments:primary->standby", "rate", 0, Duration.ofSeconds(60));
        assertThat(page.fieldText(link, "held")).as("the source queues the demo's one process holds")
            .matches("[1-9][0-9]*: \\S+/\\S+/[0-9].*");
        progress("copied and rate moved", start);
        page.screenshot(Path.of("target", "dashboard.png"));
        assertThat(page.consoleProblems()).as("console errors and warnings").isEmpty();
        progress("checked", start);
    }

    /** Where the time goes, in the test's output: a slow browser start shows here. */
    private static void progress(String step, long startNanos) {
        System.out.printf("dashboard: %s after %d ms%n", step, (System.nanoTime() - startNanos) / 1_000_000);
    }

    private static boolean healthy(String dashboardUrl) {
        try {
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(dashboardUrl).resolve("/health")).build(),
                HttpResponse.BodyHandlers.ofString());
            return health.statusCode() == 200;
        } catch (java.io.IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String dashboardUrl(String output) {
        Matcher m = DASHBOARD.matcher(output);
        return m.find() ? m.group(1) : null;
    }
}
