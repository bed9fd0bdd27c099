package io.dmexporter.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.BuildInfo;
import io.dmexporter.metrics.Telemetry;
import io.dmexporter.model.Snapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The telemetry path over real HTTP: cached bodies as clients read them, and the bound on requests served at once. */
class MetricsEndpointTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final Snapshot snapshot = ExpositionCacheTest.fleet(300);
  private GatedTelemetry telemetry;
  private WebServer server;

  private void start(int maxRequests) throws Exception {
    telemetry = new GatedTelemetry(Telemetry.of(() -> snapshot, Clock.fixed(SnapshotFixture.TIME,
        java.time.ZoneOffset.UTC), Duration.ofDays(1), new BuildInfo("v", "r", "b", "d", "17", "linux/amd64"), () -> 0,
        false));
    ExpositionCache cache = new ExpositionCache(telemetry);
    StatusApi status = new StatusApi(Clock.systemUTC(), Duration.ofSeconds(15), Duration.ofSeconds(45), "v",
        ErrorText.SHOW);
    server = new WebServer(new InetSocketAddress("127.0.0.1", 0),
        new Routes("/metrics", cache, () -> snapshot, status, maxRequests), WebConfig.NONE, null);
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (telemetry != null) {
      telemetry.release.countDown();
    }
    if (server != null) {
      server.close();
    }
  }

  private HttpRequest request(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return b.timeout(Duration.ofSeconds(30)).build();
  }

  private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    return http.send(request(path, headers), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void curlAndJavaReadTheWholeGzipBody() throws Exception {
    start(0);
    byte[] plain = get("/metrics").body();
    assertTrue(plain.length > 4 * Chunks.CHUNK, "several chunks: " + plain.length);
    HttpResponse<byte[]> gz = get("/metrics", "Accept-Encoding", "gzip");
    assertEquals("gzip", gz.headers().firstValue("content-encoding").orElseThrow());
    assertEquals(gz.body().length, gz.headers().firstValueAsLong("content-length").orElseThrow());
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
      assertEquals(new String(plain, StandardCharsets.UTF_8).replaceAll("(?m)^dm_exporter_.*$", ""),
          new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^dm_exporter_.*$", ""),
          "the same body but for the exporter's own values, which change per scrape");
    }
    for (String accept : new String[] {"text/plain", "application/openmetrics-text; version=1.0.0"}) {
      Process curl = new ProcessBuilder("curl", "-sS", "--compressed", "-H", "Accept: " + accept,
          "-w", "\n%{size_download} %{content_type}", "http://127.0.0.1:" + server.port() + "/metrics")
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, curl.waitFor(), out);
      String body = out.substring(0, out.lastIndexOf('\n'));
      String[] info = out.substring(out.lastIndexOf('\n') + 1).split(" ", 2);
      assertTrue(Long.parseLong(info[0]) < plain.length / 4, "curl got it compressed: " + info[0] + " bytes");
      assertTrue(body.endsWith(accept.startsWith("application/openmetrics") ? "\n# EOF\n" : "\n"), info[1]);
      assertTrue(body.contains("dm_subtask_stage{source_id=\"source.sync-299\"") && body.contains("dm_exporter_build_info"),
          "curl read it whole: " + body.length() + " characters");
    }
    byte[] again = get("/metrics").body();
    assertArrayEquals(new String(plain, StandardCharsets.UTF_8).replaceAll("(?m)^dm_exporter_.*$", "").getBytes(),
        new String(again, StandardCharsets.UTF_8).replaceAll("(?m)^dm_exporter_.*$", "").getBytes(), "served again");
  }

  @Test
  void beyondMaxRequestsHeavyRequestsAre503AndProbesStillAnswer() throws Exception {
    start(2);
    telemetry.gated = true;
    List<CompletableFuture<HttpResponse<byte[]>>> held = new ArrayList<>();
    held.add(http.sendAsync(request("/metrics"), HttpResponse.BodyHandlers.ofByteArray()));
    assertTrue(telemetry.rendering.await(10, TimeUnit.SECONDS));
    held.add(http.sendAsync(request("/metrics", "Accept-Encoding", "gzip"), HttpResponse.BodyHandlers.ofByteArray()));
    Thread.sleep(300); // both are in flight: one renders, one waits for that render

    HttpResponse<byte[]> refused = get("/metrics");
    assertEquals(503, refused.statusCode());
    assertEquals("Limit of concurrent requests reached (2), try again later.\n",
        new String(refused.body(), StandardCharsets.UTF_8));
    assertEquals(503, get("/api/v1/status").statusCode());
    assertEquals(503, get("/").statusCode());
    assertEquals(200, get("/-/healthy").statusCode());
    assertEquals(200, get("/-/ready").statusCode());
    assertEquals(200, get("/static/status.css").statusCode());

    telemetry.release.countDown();
    for (CompletableFuture<HttpResponse<byte[]>> f : held) {
      assertEquals(200, f.get(30, TimeUnit.SECONDS).statusCode());
    }
    for (int i = 0; i < 5; i++) {
      assertEquals(200, get("/metrics").statusCode(), "every slot is given back");
      assertEquals(200, get("/api/v1/status").statusCode());
    }
  }

  @Test
  void zeroMeansNoBound() throws Exception {
    start(0);
    telemetry.gated = true;
    List<CompletableFuture<HttpResponse<byte[]>>> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(http.sendAsync(request("/metrics"), HttpResponse.BodyHandlers.ofByteArray()));
    }
    assertTrue(telemetry.rendering.await(10, TimeUnit.SECONDS));
    assertEquals(200, get("/api/v1/status").statusCode());
    telemetry.release.countDown();
    for (CompletableFuture<HttpResponse<byte[]>> f : held) {
      assertEquals(200, f.get(30, TimeUnit.SECONDS).statusCode());
    }
  }
}
