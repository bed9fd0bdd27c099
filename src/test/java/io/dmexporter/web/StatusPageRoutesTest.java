package io.dmexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.dmexporter.Exporter;
import io.dmexporter.config.HostPort;
import io.dmexporter.dm.TlsSettings;
import io.dmexporter.poll.PollSettings;
import io.dmexporter.poll.PollSettings.QueryMode;
import io.dmexporter.testing.FakeDm;
import io.dmexporter.testing.Seed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The status page's routes over real HTTP: pages, assets, headers, names in URLs, basic auth. */
class StatusPageRoutesTest {
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;
  private FakeDm worker;
  private Exporter exporter;

  private void start(WebConfig web) throws Exception {
    worker = FakeDm.start();
    worker.workerStatus = Seed.workers().get("worker3");
    exporter = Exporter.start(new Exporter.Settings(
        new PollSettings(QueryMode.STATIC, List.of(), List.of(worker.address()), Duration.ofHours(1), Duration.ofSeconds(2)),
        HostPort.parseListen("127.0.0.1:0"), "/metrics", TlsSettings.NONE, web), Clock.systemUTC());
    exporter.poller().runCycle();
  }

  @AfterEach
  void stop() throws Exception {
    if (exporter != null) {
      exporter.close();
    }
    if (worker != null) {
      worker.close();
    }
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static void assertPageHeaders(HttpResponse<String> r) {
    assertEquals(PageAssets.CONTENT_SECURITY_POLICY, r.headers().firstValue("content-security-policy").orElse(null));
    assertTrue(PageAssets.CONTENT_SECURITY_POLICY.contains("script-src 'self';")
        && PageAssets.CONTENT_SECURITY_POLICY.contains("style-src 'self';")
        && !PageAssets.CONTENT_SECURITY_POLICY.contains("unsafe"), "no inline script or style");
    assertEquals("nosniff", r.headers().firstValue("x-content-type-options").orElse(null));
    assertEquals("no-referrer", r.headers().firstValue("referrer-policy").orElse(null));
  }

  @Test
  void overviewAndTaskPagesWithTheirHeaders() throws Exception {
    start(WebConfig.NONE);
    HttpResponse<String> page = get("/");
    assertEquals(200, page.statusCode());
    assertEquals("text/html; charset=utf-8", page.headers().firstValue("content-type").orElseThrow());
    assertPageHeaders(page);
    assertTrue(page.body().contains("<span class=\"status status-error\">Error - Some error occurred in subtask</span>"),
        page.body());
    assertTrue(page.body().contains("<script src=\"/static/status.js\" defer=\"\"></script>"), "the script is a file");
    assertTrue(!page.body().contains("<script>") && !page.body().contains("<style") && !page.body().contains("style="),
        "nothing inline");

    HttpResponse<String> task = get("/tasks/test");
    assertEquals(200, task.statusCode());
    assertPageHeaders(task);
    assertTrue(task.body().contains("<h1 class=\"task-name\">test</h1>")
        && task.body().contains("Duplicate entry &#39;1155173304420532225&#39;"), task.body());

    HttpResponse<String> json = get("/api/v1/status");
    assertPageHeaders(json);
    assertTrue(json.body().contains("\"statusText\":\"Error - Some error occurred in subtask\""), json.body());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/tasks/nope", "/tasks/a%2Fb", "/tasks/100%25", "/tasks/%3Cscript%3E", "/tasks/"})
  void unknownTasksAreA404PageThatSaysSo(String path) throws Exception {
    start(WebConfig.NONE);
    HttpResponse<String> r = get(path);
    assertEquals(404, r.statusCode(), r.body());
    assertPageHeaders(r);
    String name = Html.escape(Html.decodePathSegment(path.substring("/tasks/".length())));
    assertTrue(r.body().contains("No task named “" + name + "”"), r.body());
    assertTrue(r.body().contains("Tasks now: <a href=\"/tasks/test\">test</a>"), r.body());
  }

  @Test
  void assetsAreServedWithTheirTypes() throws Exception {
    start(WebConfig.NONE);
    for (String[] a : new String[][] {{"/static/status.js", "text/javascript; charset=utf-8", "'use strict';"},
        {"/static/status.css", "text/css; charset=utf-8", ":root"}, {"/static/favicon.svg", "image/svg+xml", "<svg"}}) {
      HttpResponse<String> r = get(a[0]);
      assertEquals(200, r.statusCode(), a[0]);
      assertEquals(a[1], r.headers().firstValue("content-type").orElseThrow());
      assertEquals("nosniff", r.headers().firstValue("x-content-type-options").orElseThrow());
      assertTrue(r.body().contains(a[2]), a[0]);
    }
    assertEquals(404, get("/static/nope.js").statusCode());
    assertEquals(404, get("/static/../status.js").statusCode());
  }

  @Test
  void basicAuthGuardsThePageItsAssetsAndItsJson() throws Exception {
    String hash = BCrypt.withDefaults().hashToString(4, "s3cret".toCharArray());
    Path file = Files.writeString(dir.resolve("web.yml"), "basic_auth_users:\n  dba: " + hash + "\n");
    start(WebConfig.load(file));
    String auth = "Basic " + Base64.getEncoder().encodeToString("dba:s3cret".getBytes(StandardCharsets.UTF_8));
    for (String path : List.of("/", "/tasks/test", "/static/status.js", "/api/v1/status")) {
      assertEquals(401, get(path).statusCode(), path);
      assertEquals(200, get(path, "Authorization", auth).statusCode(), path);
    }
  }
}
