package io.dmexporter.web;

import io.dmexporter.BuildInfo;
import io.dmexporter.metrics.Telemetry;
import io.dmexporter.model.Snapshot;
import io.dmexporter.poll.WireFleet;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The body of /metrics for one snapshot of a simulated cluster ({@code workers} × {@code
 * subtasks}), as the exporter builds it: the first scrape of a new snapshot renders the DM part
 * (Prometheus text, plain or deflated) into the cache; later scrapes render only the per-scrape
 * part (JVM, build info) and reuse the cached bytes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RenderBenchmark {
  @Param("1000")
  int workers;

  @Param("5")
  int subtasks;

  private Telemetry telemetry;
  private ExpositionCache warm;

  @Setup
  public void snapshot() {
    WireFleet fleet = WireFleet.load(workers, subtasks);
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    Snapshot s = fleet.snapshot(fleet.map(fleet.parse()), now);
    telemetry = Telemetry.of(() -> s, Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(1),
        new BuildInfo("bench", "r", "b", "d", "17", "linux/amd64"), () -> 0, true);
    warm = new ExpositionCache(telemetry);
    warm.body(warm.writer(null), false, null);
    warm.body(warm.writer(null), true, null);
  }

  private static long size(ExpositionCache.Body body) {
    long n = 0;
    for (ByteBuffer b : body.buffers()) {
      n += b.remaining();
    }
    return n;
  }

  /** First plain scrape of a new snapshot: the DM part rendered to text, and the per-scrape part. */
  @Benchmark
  public long renderText() {
    ExpositionCache cache = new ExpositionCache(telemetry);
    return size(cache.body(cache.writer(null), false, null));
  }

  /** First gzip scrape of a new snapshot: the DM part rendered and deflated, and the per-scrape part. */
  @Benchmark
  public long renderGzip() {
    ExpositionCache cache = new ExpositionCache(telemetry);
    return size(cache.body(cache.writer(null), true, null));
  }

  /** Any later plain scrape of the same snapshot: the per-scrape part only, the DM part from the cache. */
  @Benchmark
  public long cachedText() {
    return size(warm.body(warm.writer(null), false, null));
  }

  /** Any later gzip scrape of the same snapshot. */
  @Benchmark
  public long cachedGzip() {
    return size(warm.body(warm.writer(null), true, null));
  }
}
