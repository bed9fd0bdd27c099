package io.dmexporter.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.BuildInfo;
import io.dmexporter.metrics.DmCollector;
import io.dmexporter.metrics.ExporterCollector;
import io.dmexporter.metrics.Telemetry;
import io.dmexporter.model.Snapshot;
import io.dmexporter.model.Source;
import io.dmexporter.model.Subtask;
import io.dmexporter.model.Task;
import io.dmexporter.testing.Exposition;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The telemetry path's body: the DM part rendered once per snapshot and variant, the same series
 * as one render of everything, a gzip member that every reader reads whole.
 */
class ExpositionCacheTest {
  private static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0";

  @TempDir Path dir;

  /** Many copies of the fixture's task: a DM part of several chunks. */
  static Snapshot fleet(int copies) {
    List<Task> tasks = new ArrayList<>();
    List<Subtask> subtasks = new ArrayList<>();
    List<Source> sources = new ArrayList<>();
    Snapshot one = null;
    for (int i = 0; i < copies; i++) {
      int n = i;
      one = SnapshotFixture.of(f -> f.equals("task") || f.startsWith("source.") ? f + "-" + n : f);
      tasks.addAll(one.tasks());
      subtasks.addAll(one.subtasks());
      sources.addAll(one.sources().stream().filter(Source::up).toList());
    }
    return new Snapshot(one.time(), one.durationSeconds(), one.lastSuccess(), tasks, subtasks, List.of(), sources,
        one.membership(), one.targets());
  }

  private final AtomicReference<Snapshot> current = new AtomicReference<>(fleet(300));
  private final Telemetry base = Telemetry.of(current::get, Clock.fixed(SnapshotFixture.TIME, java.time.ZoneOffset.UTC),
      Duration.ofDays(1), new BuildInfo("v", "r", "b", "d", "17", "linux/amd64"), () -> 0, false);
  private final GatedTelemetry telemetry = new GatedTelemetry(base);
  private final AtomicInteger renders = telemetry.renders;
  private final ExpositionCache cache = new ExpositionCache(telemetry);

  private static byte[] bytes(ExpositionCache.Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long length = 0;
    for (ByteBuffer b : body.buffers()) {
      byte[] chunk = new byte[b.remaining()];
      b.get(chunk);
      out.writeBytes(chunk);
      length += chunk.length;
    }
    assertEquals(body.length(), length, "Content-Length is what is written");
    return out.toByteArray();
  }

  private String text(String accept, boolean gzip, Predicate<String> names) throws IOException {
    byte[] b = bytes(cache.body(cache.writer(accept), gzip, names));
    return new String(gzip ? gunzip(new ByteArrayInputStream(b)) : b, StandardCharsets.UTF_8);
  }

  private static byte[] gunzip(InputStream in) throws IOException {
    try (InputStream gz = new GZIPInputStream(in)) {
      return gz.readAllBytes();
    }
  }

  /** What one render of every family (the registry's way before the cache) gives. */
  private String everythingAtOnce(String accept) throws IOException {
    ExpositionFormatWriter writer = ExpositionFormats.init().findWriter(accept);
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new DmCollector(current::get, Clock.fixed(SnapshotFixture.TIME, java.time.ZoneOffset.UTC), Duration.ofDays(1)));
    registry.register(new ExporterCollector(current::get, new BuildInfo("v", "r", "b", "d", "17", "linux/amd64"), () -> 0));
    MetricSnapshots all = registry.scrape();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.write(out, all);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static Set<String> lines(String text) {
    return new TreeSet<>(Arrays.asList(text.split("\n")));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theSameSeriesAsOneRenderOfEverything(boolean openMetrics) throws IOException {
    String accept = openMetrics ? OPEN_METRICS : null;
    String expected = everythingAtOnce(accept);
    for (boolean gzip : new boolean[] {false, true}) {
      String body = text(accept, gzip, null);
      assertTrue(body.length() > 4 * Chunks.CHUNK, "a DM part of several chunks: " + body.length());
      assertEquals(lines(expected), lines(body), "gzip " + gzip);
      assertEquals(expected.length(), body.length());
      if (openMetrics) {
        assertTrue(body.endsWith("\n# EOF\n"), body.substring(body.length() - 100));
        assertEquals(1, body.split("# EOF", -1).length - 1, "one # EOF, at the end");
      } else {
        Exposition.requireValid(body);
      }
    }
  }

  @Test
  void theDmPartIsRenderedOncePerSnapshotAndVariant() throws IOException {
    for (int i = 0; i < 5; i++) {
      text(null, false, null);
    }
    assertEquals(1, renders.get(), "five plain text scrapes of one snapshot");
    text(null, true, null);
    text(null, true, null);
    text(OPEN_METRICS, false, null);
    text(OPEN_METRICS, true, null);
    text(OPEN_METRICS, true, null);
    assertEquals(4, renders.get(), "one render per variant: text, OpenMetrics; plain, gzip");

    current.set(fleet(2));
    String next = text(null, false, null);
    assertEquals(5, renders.get(), "a new snapshot is rendered anew");
    assertTrue(next.contains("task-1") && !next.contains("task-2\""), "the new snapshot's series only");
  }

  @Test
  void concurrentScrapesWaitForOneRender() throws Exception {
    telemetry.gated = true;
    ExpositionCache slow = new ExpositionCache(telemetry);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<byte[]>> scrapes = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        scrapes.add(pool.submit(() -> bytes(slow.body(slow.writer(null), true, null))));
      }
      assertTrue(telemetry.rendering.await(10, TimeUnit.SECONDS));
      Thread.sleep(200); // the others arrive and wait
      telemetry.release.countDown();
      int length = gunzip(new ByteArrayInputStream(scrapes.get(0).get(10, TimeUnit.SECONDS))).length;
      for (Future<byte[]> f : scrapes) {
        assertEquals(length, gunzip(new ByteArrayInputStream(f.get(10, TimeUnit.SECONDS))).length);
      }
      assertEquals(1, renders.get(), "eight concurrent scrapes of a new snapshot: one render");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFilteredScrapeHasOnlyTheFamiliesAskedForAndIsNotCached() throws IOException {
    Set<String> names = Set.of("dm_task_status", "dm_subtask_sync_rows", "dm_exporter_build_info");
    for (boolean openMetrics : new boolean[] {false, true}) {
      String body = text(openMetrics ? OPEN_METRICS : null, true, names::contains);
      Set<String> families = new TreeSet<>();
      body.lines().filter(l -> l.startsWith("# TYPE ")).forEach(l -> families.add(l.split(" ")[2].replaceAll("_total$", "")));
      assertEquals(new TreeSet<>(names), families, body);
    }
    assertEquals(2, renders.get(), "rendered for each filtered scrape");
    String full = text(null, false, null);
    assertTrue(full.contains("dm_subtask_stage{"), "the full body afterwards is not the filtered one");
  }

  @Test
  void nothingOfDmWhenStaleButTheExportersOwnSeries() throws IOException {
    String before = text(null, false, null);
    assertTrue(before.contains("dm_task_status{"), "servable");
    telemetry.stale = true;
    for (String accept : new String[] {null, OPEN_METRICS}) {
      for (boolean gzip : new boolean[] {false, true}) {
        String body = text(accept, gzip, null);
        assertTrue(body.contains("dm_exporter_build_info") && body.contains("dm_exporter_target_up{"), body);
        assertFalse(body.contains("dm_task_status"), body);
      }
    }
    telemetry.stale = false;
    assertEquals(before, text(null, false, null), "servable again: the same snapshot's full body");
  }

  @Test
  void gzipIsOneMemberThatGunzipReadsWhole() throws Exception {
    String plain = text(null, false, null);
    byte[] gz = bytes(cache.body(cache.writer(null), true, null));
    assertEquals(plain, new String(gunzip(new ByteArrayInputStream(gz)), StandardCharsets.UTF_8), "GZIPInputStream");
    Path file = Files.write(dir.resolve("metrics.gz"), gz);
    Process gunzip = new ProcessBuilder("gzip", "-t", file.toString()).redirectErrorStream(true).start();
    String said = new String(gunzip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, gunzip.waitFor(), "gzip -t: " + said);
    Process cat = new ProcessBuilder("gzip", "-dc", file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    assertArrayEquals(plain.getBytes(StandardCharsets.UTF_8), cat.getInputStream().readAllBytes(), "gzip -dc");
    assertEquals(0, cat.waitFor());
    // One member: after its trailer nothing follows (a second member would be read by gzip but not by all readers).
    Process list = new ProcessBuilder("gzip", "-lv", file.toString()).redirectErrorStream(true).start();
    String listing = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, list.waitFor(), listing);
    assertTrue(listing.contains(" " + plain.length() + " "), "gzip -l reads ISIZE as the whole length:\n" + listing);
  }
}
