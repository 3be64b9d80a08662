package dev.fraudmonitor.console;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium through its chromedriver (no browser download). As root Chromium needs
 * --no-sandbox; the background-networking flags stop it calling home on a closed network.
 */
public final class Browser {
    private Browser() {}

    public static ChromeDriver start() {
        String chromium = firstExisting("/usr/bin/chromium", "/usr/bin/chromium-browser");
        String driver = firstExisting("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        if (chromium == null || driver == null) {
            throw new IllegalStateException(
                    "Chromium or chromedriver is missing: apt-get install -y chromium chromium-driver");
        }
        try {
            Path profile =
                    Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chromium-");
            ChromeOptions o = new ChromeOptions();
            o.setBinary(chromium);
            o.addArguments(
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-quic",
                    "--no-first-run",
                    "--window-size=1400,1000",
                    "--user-data-dir=" + profile);
            ChromeDriverService service =
                    new ChromeDriverService.Builder()
                            .usingDriverExecutable(new File(driver))
                            .usingAnyFreePort()
                            .build();
            ChromeDriver d = new ChromeDriver(service, o);
            d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void screenshot(ChromeDriver d, String name) {
        try {
            Path dir = Path.of("target", "screenshots");
            Files.createDirectories(dir);
            Files.write(dir.resolve(name + ".png"), d.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstExisting(String... paths) {
        for (String p : paths) {
            if (new File(p).canExecute()) {
                return p;
            }
        }
        return null;
    }
}
