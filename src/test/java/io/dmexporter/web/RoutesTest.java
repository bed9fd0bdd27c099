package io.dmexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dmexporter.Exporter;
import io.dmexporter.config.HostPort;
import io.dmexporter.poll.PollSettings;
import io.dmexporter.poll.PollSettings.QueryMode;
import io.dmexporter.testing.FakeDm;
import io.dmexporter.testing.Scrape;
import io.dmexporter.testing.Seed;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP endpoints over real HTTP against a real Jetty. */
class RoutesTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private FakeDm worker;
  private Exporter exporter;

  @BeforeEach
  void start() throws Exception {
    worker = FakeDm.start();
    worker.workerStatus = Seed.workers().get("worker3");
    // The first cycle hangs on this worker until the test releases it (or a minute passes).
    worker.fault = FakeDm.Fault.HANG;
    exporter = Exporter.start(new Exporter.Settings(
        new PollSettings(QueryMode.STATIC, List.of(), List.of(worker.address()), Duration.ofHours(1), Duration.ofMinutes(1)),
        HostPort.parseListen("127.0.0.1:0"), "/metrics"), Clock.systemUTC());
  }

  /** Ends the hung first cycle, then runs one that reads the worker. */
  private void answeringCycle() throws Exception {
    worker.fault = FakeDm.Fault.NONE;
    worker.releaseHung();
    assertTrue(exporter.poller().awaitCycles(1, Duration.ofMinutes(1)));
    exporter.poller().runCycle();
  }

  @AfterEach
  void stop() throws Exception {
    exporter.close();
    worker.close();
  }

  private HttpResponse<byte[]> request(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void readyOnlyAfterTheFirstCycleAndNothingWaitsOnDm() throws Exception {
    assertEquals(503, request("/-/ready").statusCode());
    assertEquals(200, request("/-/healthy").statusCode());
    HttpResponse<byte[]> metrics = request("/metrics");
    assertEquals(200, metrics.statusCode());
    assertEquals(0, exporter.poller().cycles(), "answered while the first cycle still waits on the hung worker");
    String text = new String(metrics.body(), StandardCharsets.UTF_8);
    assertTrue(text.contains("dm_exporter_build_info"), text);
    assertTrue(!text.contains("dm_task_status"), "nothing about DM before the first cycle");

    answeringCycle();
    assertEquals(200, request("/-/ready").statusCode());
  }

  @Test
  void statusJsonCarriesTheSnapshotWithErrorMessages() throws Exception {
    answeringCycle();
    HttpResponse<byte[]> r = request("/api/v1/status");
    assertEquals(200, r.statusCode());
    assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
    JsonNode doc = new ObjectMapper().readTree(r.body());
    assertTrue(doc.get("ready").asBoolean());
    assertEquals(false, doc.get("stale").asBoolean());
    JsonNode task = doc.at("/snapshot/tasks/0");
    assertEquals("test", task.get("name").asText());
    assertEquals("Error", task.get("status").asText());
    assertEquals("subtask_error", task.at("/errorReasons/0").asText());
    JsonNode error = doc.at("/snapshot/subtasks/0/result/errors/0");
    assertEquals(10006, error.get("code").asInt());
    assertTrue(error.get("message").asText().contains("Duplicate entry"));
    assertEquals("worker", doc.at("/snapshot/targets/0/role").asText());
    assertEquals("Paused", doc.at("/snapshot/subtasks/0/stage").asText());
  }

  @Test
  void negotiatesOpenMetricsAndGzip() throws Exception {
    answeringCycle();
    HttpResponse<byte[]> om = request("/metrics", "Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertTrue(om.headers().firstValue("content-type").orElseThrow().startsWith("application/openmetrics-text"));
    String omText = new String(om.body(), StandardCharsets.UTF_8);
    assertTrue(omText.strip().endsWith("# EOF"));
    assertTrue(omText.contains("dm_subtask_errors{source_id=\"mysql-replica-03\",task=\"test\",worker=\"worker3\"} 1"), omText);

    HttpResponse<byte[]> gz = request("/metrics", "Accept-Encoding", "gzip");
    assertEquals("gzip", gz.headers().firstValue("content-encoding").orElseThrow());
    String text = new String(new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(text.startsWith("# HELP"), text.substring(0, 40));
    assertTrue(text.contains("(from the last poll)"), "HELP says values come from the last poll");

    HttpResponse<byte[]> refused = request("/metrics", "Accept-Encoding", "gzip;q=0, identity");
    assertTrue(refused.headers().firstValue("content-encoding").isEmpty(), "gzip;q=0 refuses gzip");
    assertTrue(new String(refused.body(), StandardCharsets.UTF_8).startsWith("# HELP"));
  }

  @Test
  void statusPageAndApiAreGzippedWhenAskedAndMetricsStaysOneMember() throws Exception {
    answeringCycle();
    for (String path : new String[] {"/api/v1/status", "/", "/static/status.js"}) {
      HttpResponse<byte[]> plain = request(path);
      HttpResponse<byte[]> gzipped = request(path, "Accept-Encoding", "gzip");
      assertEquals(200, gzipped.statusCode(), path);
      assertEquals(List.of(), plain.headers().allValues("Content-Encoding"), path);
      assertEquals("gzip", gzipped.headers().firstValue("Content-Encoding").orElse(""), path);
      byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(gzipped.body())).readAllBytes();
      if (!path.equals("/api/v1/status") && !path.equals("/")) {
        assertEquals(new String(plain.body(), StandardCharsets.UTF_8), new String(unzipped, StandardCharsets.UTF_8), path);
      } else {
        String body = new String(unzipped, StandardCharsets.UTF_8);
        assertTrue(path.equals("/") ? body.contains("</html>") : body.contains("\"tasks\""), path + ": " + body);
      }
      assertTrue(gzipped.headers().firstValue("Content-Security-Policy").isPresent(), path);
    }
    HttpResponse<byte[]> metrics = request("/metrics", "Accept-Encoding", "gzip");
    assertEquals("gzip", metrics.headers().firstValue("Content-Encoding").orElse(""));
    String text = new String(new GZIPInputStream(new ByteArrayInputStream(metrics.body())).readAllBytes(),
        StandardCharsets.UTF_8);
    assertTrue(text.contains("dm_task_status{"), text);
  }

  @Test
  void filtersByName() throws Exception {
    answeringCycle();
    String text = Scrape.get(exporter.port(), "/metrics?name[]=dm_subtask_errors&name[]=dm_source_up").body();
    assertTrue(text.contains("dm_subtask_errors{"), text);
    assertTrue(text.contains("dm_source_up{"), text);
    assertTrue(!text.contains("dm_task_status"), text);
    String counter = Scrape.get(exporter.port(), "/metrics?name[]=jvm_threads_started_total").body();
    assertTrue(counter.contains("jvm_threads_started_total "), counter);
    assertTrue(!counter.contains("dm_subtask_errors") && !counter.contains("jvm_threads_current"), counter);
  }

  @Test
  void statusPageLinksMethodsAndUnknownPaths() throws Exception {
    HttpResponse<byte[]> page = request("/");
    assertEquals(200, page.statusCode());
    String html = new String(page.body(), StandardCharsets.UTF_8);
    assertTrue(html.contains("href=\"/metrics\"") && html.contains("href=\"/api/v1/status\""), html);
    assertEquals(404, request("/nope").statusCode());
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + "/metrics"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
  }

  @Test
  void htmlEscapesEverythingThatMatters() {
    assertEquals("&lt;b&gt;&amp;&quot;&#39;", Html.escape("<b>&\"'"));
  }
}
