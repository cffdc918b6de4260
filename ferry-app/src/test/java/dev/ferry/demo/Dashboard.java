package dev.ferry.demo;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code .ci/run} installs): what a person would see, read through the page's own {@code data-*} hooks.
 */
public final class Dashboard implements AutoCloseable {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final WebDriver driver;

    private Dashboard(WebDriver driver) {
        this.driver = driver;
    }

    public static boolean browserInstalled() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** Starts a headless Chromium, which sends nothing beyond this machine, on an empty page. */
    public static Dashboard start(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--window-size=1400,1350", "--user-data-dir=" + profile.toAbsolutePath());
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        return new Dashboard(new ChromeDriver(service, options));
    }

    public void open(String url) {
        driver.get(url);
    }

    /** Waits until the page has drawn at least {@code renders} answers of {@code /status}. */
    public void awaitRenders(int renders, Duration timeout) {
        new WebDriverWait(driver, timeout).until(d -> renders() >= renders);
    }

    int renders() {
        String value = driver.findElement(By.tagName("body")).getAttribute("data-updates");
        return value == null || value.isBlank() ? 0 : Integer.parseInt(value.trim());
    }

    String title() {
        return driver.getTitle();
    }

    public String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    List<String> clusters() {
        return driver.findElements(By.cssSelector("[data-cluster]")).stream().map(e -> e.getAttribute("data-cluster"))
            .distinct().toList();
    }

    List<String> links() {
        return driver.findElements(By.cssSelector("[data-link]")).stream().map(e -> e.getAttribute("data-link"))
            .distinct().toList();
    }

    /** Waits until a number of a link's row passes {@code threshold}. */
    void awaitFieldAbove(String link, String field, double threshold, Duration timeout) {
        new WebDriverWait(driver, timeout).until(d -> {
            try {
                return field(link, field) > threshold;
            } catch (NumberFormatException notANumberYet) {
                return false;
            }
        });
    }

    /** A number of a link's row in the table: {@code copied}, {@code backlog}, {@code delayMillis}, {@code rate}. */
    double field(String link, String field) {
        WebElement cell = driver.findElement(By.cssSelector("[data-link-row='" + link + "'] [data-field='" + field + "']"));
        return Double.parseDouble(cell.getText().replace(",", "").trim());
    }

    /** The text of a link's cell, e.g. {@code held}: {@code 4: orders/broker-a/0-3}. */
    String fieldText(String link, String field) {
        return driver.findElement(By.cssSelector("[data-link-row='" + link + "'] [data-field='" + field + "']")).getText();
    }

    /** What the page wrote to the console at warning level or above (errors, failed loads, exceptions). */
    public List<String> consoleProblems() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).map(LogEntry::toString).toList();
    }

    void screenshot(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
