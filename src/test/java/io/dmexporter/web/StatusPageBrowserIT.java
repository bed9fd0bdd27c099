package io.dmexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.Exporter;
import io.dmexporter.config.HostPort;
import io.dmexporter.poll.PollSettings;
import io.dmexporter.poll.PollSettings.QueryMode;
import io.dmexporter.sim.DemoScenario;
import io.dmexporter.sim.ManualClock;
import io.dmexporter.sim.Simulator;
import io.dmexporter.testing.Scrape;
import io.dmexporter.testing.Tools;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in a real browser: Debian's headless Chromium, driven by Selenium through
 * Debian's chromedriver, against the exporter polling the demo cluster, wired in process as
 * {@code --demo} wires it. The demo runs on a manual clock, so nothing changes unless a test
 * changes it through the demo's control API; the exporter polls every second.
 */
class StatusPageBrowserIT {
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Path profile;
  private static ChromeDriver browser;

  private Simulator demo;
  private Exporter exporter;
  private String base;

  @BeforeAll
  static void startBrowser() throws Exception {
    // Missing tools fail here, naming the Debian package: scripts/test installs both.
    Path chromium = Tools.require("chromium", "chromium");
    Path chromedriver = Tools.require("chromedriver", "chromium-driver");
    profile = Files.createTempDirectory("status-page-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
        "--user-data-dir=" + profile, "--window-size=1280,1000", "--force-prefers-reduced-motion");
    // An alert left open stays open, so the test sees it rather than the driver dismissing it.
    options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
    long began = System.nanoTime();
    browser = new ChromeDriver(service, options);
    System.out.printf("status page: chromium ready in %.1f s%n", (System.nanoTime() - began) / 1e9);
  }

  @AfterAll
  static void stopBrowser() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (profile != null) {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @BeforeEach
  void startDemo() throws Exception {
    demo = DemoScenario.start(new ManualClock(), "127.0.0.1:0");
    exporter = Exporter.start(new Exporter.Settings(
        new PollSettings(QueryMode.WORKERS, demo.masterAddresses(), List.of(), POLL, Duration.ofMillis(800)),
        HostPort.parseListen("127.0.0.1:0"), "/metrics"), Clock.systemUTC());
    base = "http://127.0.0.1:" + exporter.port();
    long until = System.nanoTime() + WAIT.toNanos();
    while (!Scrape.get(exporter.port(), "/api/v1/status").body().contains("\"stale\":false")) {
      assertTrue(System.nanoTime() < until, "a poll of the exporter reached the demo within " + WAIT);
      Thread.sleep(50);
    }
    browser.manage().window().setSize(new Dimension(1280, 1000));
  }

  @AfterEach
  void stopDemo() throws Exception {
    // Leave the page first: its refreshes of this exporter must not land in the next test's log.
    browser.get("about:blank");
    browser.manage().logs().get(LogType.BROWSER);
    if (exporter != null) {
      exporter.close();
    }
    demo.close();
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  private <T> T await(String what, Function<WebDriver, T> condition) {
    // The page re-renders what changed: an element read a moment ago may have been replaced since.
    return new WebDriverWait(browser, WAIT, Duration.ofMillis(100)).withMessage(what)
        .ignoring(StaleElementReferenceException.class).until(condition);
  }

  /** Opens {@code /} and waits until the page has refreshed itself once. */
  private void openOverview() {
    browser.get(base + "/");
    awaitRefreshes(1);
  }

  /** Waits until the page has refreshed itself from /api/v1/status {@code n} more times. */
  private void awaitRefreshes(int n) {
    long now = refreshes();
    await(n + " refreshes from /api/v1/status", d -> refreshes() >= now + n);
  }

  private long refreshes() {
    Object r = js("return Number(document.body.dataset.refreshes || 0);");
    return ((Number) r).longValue();
  }

  private WebElement task(String name) {
    return browser.findElements(By.cssSelector("article.task")).stream()
        .filter(a -> name.equals(a.getDomAttribute("data-task"))).findFirst().orElse(null);
  }

  private WebElement subtask(String task, String source) {
    return task(task).findElement(By.cssSelector("tbody.subtask[data-source='" + source + "']"));
  }

  private void control(String method, String path, String body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(demo.controlUrl() + path))
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), method + " " + path + ": " + r.body());
  }

  private void assertNoAlertAndNoConsoleErrors() {
    assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert(), "no alert dialog opened");
    List<String> severe = new ArrayList<>();
    for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.WARNING.intValue()) {
        severe.add(e.getMessage());
      }
    }
    assertEquals(List.of(), severe, "console errors (a CSP violation or a script error would show here)");
  }

  /**
   * status.js re-renders from /api/v1/status every poll and replaces the content only when its
   * rendering differs from what is shown, apart from what changes every poll (ages, times, cycle
   * duration). With nothing changing in DM, two refreshes that replaced nothing prove that the
   * script renders exactly what the server rendered.
   */
  private void assertScriptRendersWhatTheServerRendered() throws Exception {
    String server = Scrape.get(exporter.port(), new URI(browser.getCurrentUrl()).getRawPath()).body();
    awaitRefreshes(2);
    assertEquals("0", js("return document.body.dataset.replaced || '0';"),
        "status.js rendered differently from StatusPage.java.\nThe script's:\n"
            + js("return document.getElementById('content').innerHTML;") + "\nThe server's:\n" + server);
  }

  /** The rendered width of a subtask's progress bar over its track's. */
  private double barRatio(WebElement subtask) {
    return ((Number) js("const [bar, track] = [arguments[0].querySelector('.bar'), arguments[0].querySelector('.progress')];"
        + "return bar.getBoundingClientRect().width / track.getBoundingClientRect().width;", subtask)).doubleValue();
  }

  private static double rgbChannel(String cssColour, int i) {
    return Double.parseDouble(cssColour.replaceAll("[^0-9.,]", "").split(",")[i]);
  }

  // ---- tests -------------------------------------------------------------------------------------

  @Test
  void showsEveryTaskInDmsWordsColouredWithProgressBars() throws Exception {
    // DM's query-status example, plus a relay under the Load so the sources show one.
    control("POST", "/api/v1/sources/mysql-replica-02/relay", "{\"stage\":\"Running\"}");
    await("the relay polled", d -> {
      try {
        return Scrape.get(exporter.port(), "/api/v1/status").body().contains("\"relaySubDir\"");
      } catch (Exception e) {
        return false;
      }
    });
    browser.get(base + "/");
    WebElement test = task("test");
    List<WebElement> tasks = browser.findElements(By.cssSelector("article.task"));
    assertEquals("test", tasks.get(0).getDomAttribute("data-task"), "Error first");
    WebElement status = test.findElement(By.cssSelector(".status"));
    assertEquals("Error - Some error occurred in subtask", status.getText());
    assertEquals("rgba(207, 34, 46, 1)", status.getCssValue("background-color"), "Error is red");
    assertEquals("rgba(207, 34, 46, 1)", test.getCssValue("border-left-color"));
    WebElement paused = task("test2").findElement(By.cssSelector(".status"));
    assertEquals("Paused", paused.getText());
    assertEquals("rgba(255, 248, 197, 1)", paused.getCssValue("background-color"), "Paused is amber");
    assertEquals("rgba(154, 103, 0, 1)", paused.getCssValue("color"));

    // The example, row by row.
    WebElement load = subtask("test", "mysql-replica-02");
    assertEquals("Load", load.findElement(By.cssSelector("td[data-label='Unit']")).getText());
    double ratio = await("the load's bar at 25.44 % of its track", d -> {
      double r = barRatio(load);
      return Math.abs(r - 0.2544) < 0.002 ? r : null;
    });
    assertEquals("25.44 %", load.findElement(By.cssSelector(".progress-text")).getText());
    WebElement dump = subtask("test", "mysql-replica-04");
    double dumpRatio = barRatio(dump);
    assertEquals(0.3052, dumpRatio, 0.002, "the dump's bar");
    assertTrue(dump.getText().contains("3/10 tables") && dump.getText().contains("445 B/s"), dump.getText());

    WebElement failed = subtask("test", "mysql-replica-03");
    WebElement stage = failed.findElement(By.cssSelector(".stage"));
    assertEquals("Paused", stage.getText());
    assertEquals(255, rgbChannel(stage.getCssValue("color"), 0), "a stage paused by an error is white on red");
    // DM's error list gives ErrDBExecuteFailed no workaround: the page shows code, message and raw cause
    assertTrue(failed.getText().contains("10006") && failed.getText().contains("execute statement failed")
        && failed.getText().contains("RAW CAUSE Error 1062: Duplicate entry '1155173304420532225'"), failed.getText());

    WebElement sync = subtask("test", "mysql-replica-01");
    assertTrue(sync.getText().contains("Blocking DDL USE `test`; ALTER TABLE `test`.`t_target` DROP COLUMN `age`;")
        && sync.getText().contains("DDL lock test-`test`.`t_target`"), sync.getText());
    assertEquals("709 B", sync.findElement(By.cssSelector("td[data-label='Binlog gap']")).getText(),
        "master (bin.000001, 3234) − syncer (bin.000001, 2525)");

    String cluster = browser.findElement(By.id("cluster")).getText();
    assertTrue(cluster.contains("master1") && cluster.contains("leader") && cluster.contains("4 bound")
        && cluster.contains("5/5 up") && cluster.contains(" ago"), cluster);
    assertTrue(!browser.findElement(By.id("banner-stale")).isDisplayed()
        && !browser.findElement(By.id("banner-unreachable")).isDisplayed(), "no banner while all is well");

    assertScriptRendersWhatTheServerRendered();
    assertNoAlertAndNoConsoleErrors();
    System.out.printf("status page: bars at %.4f and %.4f of their tracks%n", ratio, dumpRatio);

    screenshot(1280, "status-page.png");
    screenshot(390, "status-page-phone.png");
  }

  /** A full-height picture of the page at {@code width}, in target/. */
  private void screenshot(int width, String name) throws Exception {
    browser.manage().window().setSize(new Dimension(width, 1000));
    long height = (Long) js("return document.documentElement.scrollHeight;");
    browser.manage().window().setSize(new Dimension(width, (int) height + 140));
    long inner = (Long) js("return window.innerHeight;");
    browser.manage().window().setSize(new Dimension(width, (int) (height + 140 + height - inner)));
    Path out = Path.of("target", name);
    Files.write(out, browser.getScreenshotAs(OutputType.BYTES));
    System.out.println("status page: screenshot " + out.toAbsolutePath());
  }

  @Test
  void taskPageShowsTheQueryStatusPictureAndFollowsToo() throws Exception {
    browser.get(base + "/");
    task("test").findElement(By.cssSelector("h2 a")).click();
    await("the task page", d -> d.getCurrentUrl().endsWith("/tasks/test"));
    String text = browser.findElement(By.id("content")).getText();
    for (String expected : List.of("masterBinlogGtid", "c0149e17-dff1-11e8-b6a8-0242ac110004:1-14",
        "Unresolved sharding group `test`.`t_target`", "(bin|000001.000001, 3130)", "metaBinlog", "estimateTotalRows",
        "Error 1062: Duplicate entry")) {
      assertTrue(text.contains(expected), expected + " in\n" + text);
    }
    assertScriptRendersWhatTheServerRendered();

    browser.get(base + "/tasks/no-such-task");
    assertTrue(browser.findElement(By.cssSelector(".not-found h1")).getText().contains("No task named “no-such-task”"));
    assertEquals(404, Scrape.get(exporter.port(), "/tasks/no-such-task").statusCode());
    browser.manage().logs().get(LogType.BROWSER); // the 404 of the page itself is logged; nothing else may be
    awaitRefreshes(1);
    assertNoAlertAndNoConsoleErrors();
  }

  @Test
  void followsASubtaskChangingStageWithoutReloading() throws Exception {
    browser.get(base + "/");
    assertEquals("Paused", subtask("test", "mysql-replica-03").findElement(By.cssSelector(".stage")).getText());
    js("window.sameDocument = 'yes';");

    long began = System.nanoTime();
    control("POST", "/api/v1/tasks/test/sources/mysql-replica-03/resume", "");
    await("mysql-replica-03 Running on the page",
        d -> subtask("test", "mysql-replica-03").findElement(By.cssSelector(".stage")).getText().equals("Running"));
    System.out.printf("status page: followed a stage change in %.2f s%n", (System.nanoTime() - began) / 1e9);
    assertEquals("Running", task("test").findElement(By.cssSelector(".status")).getText(),
        "no subtask error left: the task is Running");
    assertTrue(task("test").getCssValue("border-left-color").equals("rgba(26, 127, 55, 1)"), "and green");

    control("POST", "/api/v1/tasks/test/sources/mysql-replica-02/pause", "{\"error\":true}");
    await("mysql-replica-02 Paused with its error",
        d -> subtask("test", "mysql-replica-02").getText().contains("10006"));
    assertEquals("Error - Some error occurred in subtask", task("test").findElement(By.cssSelector(".status")).getText());

    assertEquals("yes", js("return window.sameDocument;"), "the page was not reloaded");
    assertEquals(1L, js("return performance.getEntriesByType('navigation').length;"));
    assertNoAlertAndNoConsoleErrors();
  }

  @Test
  void staleBannerWhileDmHangsAndGoneWhenItAnswers() throws Exception {
    openOverview();
    WebElement stale = browser.findElement(By.id("banner-stale"));
    if (stale.isDisplayed()) {
      throw new AssertionError("fresh data, yet: " + stale.getText() + "\n"
          + Scrape.get(exporter.port(), "/api/v1/status").body().substring(0, 300));
    }

    List<String> endpoints = new ArrayList<>(demo.masterAddresses());
    endpoints.addAll(demo.workerAddresses());
    long began = System.nanoTime();
    for (String address : endpoints) {
      control("PUT", "/api/v1/faults/" + address, "{\"kind\":\"hang\"}");
    }
    await("the stale banner", d -> stale.isDisplayed());
    System.out.printf("status page: stale banner %.2f s after every endpoint hung (stale after 3 s)%n",
        (System.nanoTime() - began) / 1e9);
    assertTrue(stale.getText().startsWith("Stale: the last successful poll of DM was "), stale.getText());
    assertTrue(stale.getText().contains("more than three poll intervals (3 s)"), stale.getText());
    assertTrue(Scrape.get(exporter.port(), "/api/v1/status").body().contains("\"stale\":true"));
    assertTrue(!browser.findElement(By.id("banner-unreachable")).isDisplayed(), "the exporter itself answers");
    await("the last known tasks kept, dimmed, under the cluster's current health", d -> task("test") != null
        && "held".equals(d.findElement(By.id("tasks")).getDomAttribute("class"))
        && d.findElement(By.id("cluster")).getText().contains("0/5 up"));

    for (String address : endpoints) {
      control("DELETE", "/api/v1/faults/" + address, "");
    }
    await("the stale banner gone once DM answers", d -> !stale.isDisplayed());
    await("the tasks current again", d -> browser.findElement(By.id("tasks")).getDomAttribute("class") == null);
    assertNoAlertAndNoConsoleErrors();
  }

  @Test
  void unreachableBannerWhenTheExporterIsGone() throws Exception {
    openOverview();
    WebElement down = browser.findElement(By.id("banner-unreachable"));
    assertTrue(!down.isDisplayed());
    exporter.close();
    exporter = null;
    await("the unreachable banner", d -> down.isDisplayed());
    assertTrue(down.getText().startsWith("Exporter unreachable since "), down.getText());
    assertTrue(task("test") != null, "what the page last received stays");
    // The failed fetches are logged by the browser itself; no script error may be among them.
    for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
      assertTrue(e.getMessage().contains("/api/v1/status") && e.getMessage().contains("Failed to load resource"),
          e.getMessage());
    }
  }

  @Test
  void untrustedTextFromDmIsShownAsTextAndNeverRuns() throws Exception {
    String name = "<script>alert(1)</script>";
    String message = "<img src=x onerror=alert(2)><b>bold</b>";
    openOverview();

    control("POST", "/api/v1/tasks", "{\"name\":\"<script>alert(1)</script>\",\"mode\":\"incremental\","
        + "\"sources\":[\"mysql-replica-01\"]}");
    control("POST", "/api/v1/tasks/" + Html.pathSegment(name) + "/sources/mysql-replica-01/pause", "{\"error\":true}");
    control("PUT", "/api/v1/faults/" + demo.workerAddress("worker2"),
        "{\"kind\":\"result_false\",\"message\":\"<img src=x onerror=alert(2)><b>bold</b>\"}");

    // Rendered by status.js from /api/v1/status.
    await("the task named " + name, d -> task(name) != null);
    await("the worker's message", d -> browser.findElement(By.id("content")).getText().contains(message));
    assertUntrustedTextIsText(name, message, "article.task h2 a");

    // Rendered by the server: the task's own page, reached through its link, and / again.
    task(name).findElement(By.cssSelector("h2 a")).click();
    await("the task page", d -> d.getCurrentUrl().endsWith("/tasks/%3Cscript%3Ealert%281%29%3C%2Fscript%3E"));
    assertUntrustedTextIsText(name, null, "h1.task-name");
    browser.get(base + "/");
    assertUntrustedTextIsText(name, message, "article.task h2 a");
    assertNoAlertAndNoConsoleErrors();
  }

  private void assertUntrustedTextIsText(String name, String message, String nameSelector) {
    assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert(), "no alert dialog opened");
    assertEquals(0L, js("return document.querySelectorAll('#content script, #content img, #content b').length;"),
        "no element was made from DM's text");
    assertTrue(browser.findElements(By.cssSelector(nameSelector)).stream().anyMatch(e -> e.getText().equals(name)),
        "the name is shown as it is");
    String text = browser.findElement(By.id("content")).getText();
    if (message != null) {
      assertTrue(text.contains("Status could not be read: " + message), text);
    }
    assertTrue(text.contains("Error - Some error occurred in subtask"), text);
  }
}
