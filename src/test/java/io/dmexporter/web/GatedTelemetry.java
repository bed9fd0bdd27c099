package io.dmexporter.web;

import io.dmexporter.metrics.Telemetry;
import io.dmexporter.model.Snapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** A telemetry that counts its per-snapshot renders and, once gated, holds each until released. */
final class GatedTelemetry implements Telemetry {
  final AtomicInteger renders = new AtomicInteger();
  final CountDownLatch rendering = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  volatile boolean gated;
  volatile boolean stale;
  private final Telemetry delegate;

  GatedTelemetry(Telemetry delegate) {
    this.delegate = delegate;
  }

  @Override
  public Snapshot snapshot() {
    return delegate.snapshot();
  }

  @Override
  public boolean servable(Snapshot s) {
    return !stale && delegate.servable(s);
  }

  @Override
  public MetricSnapshots ofSnapshot(Snapshot s, boolean servable, Predicate<String> names) {
    renders.incrementAndGet();
    if (gated) {
      rendering.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return delegate.ofSnapshot(s, servable, names);
  }

  @Override
  public MetricSnapshots ofScrape(Predicate<String> names) {
    return delegate.ofScrape(names);
  }
}
