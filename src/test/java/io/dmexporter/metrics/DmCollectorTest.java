package io.dmexporter.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.dmexporter.model.ProcessResult;
import io.dmexporter.model.Snapshot;
import io.dmexporter.model.Source;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DmCollectorTest {
  private static Snapshot snapshot(Instant at, String source) {
    return new Snapshot(at, 0.1, at, List.of(), List.of(), List.of(),
        List.of(new Source(source, "worker1", true, null, ProcessResult.NONE, null)), null, List.of());
  }

  @Test
  void rendersEachSnapshotOnceAndWithdrawsWhenStale() {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    AtomicReference<Snapshot> current = new AtomicReference<>(snapshot(t0, "a"));
    AtomicReference<Instant> now = new AtomicReference<>(t0);
    Clock clock = new Clock() {
      @Override public Instant instant() { return now.get(); }
      @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    };
    DmCollector c = new DmCollector(current::get, clock, Duration.ofSeconds(45));
    var first = c.collect();
    assertSame(first, c.collect(), "scrapes between two cycles reuse the rendered families");
    assertEquals(2, first.size(), "dm_source_up and dm_source_errors");

    current.set(snapshot(t0.plusSeconds(15), "b"));
    now.set(t0.plusSeconds(15));
    var second = c.collect();
    assertNotSame(first, second, "a new cycle is rendered anew");
    assertEquals("b", second.get(0).getDataPoints().get(0).getLabels().get("source_id"));

    now.set(t0.plusSeconds(61));
    assertEquals(0, c.collect().size(), "three intervals without reaching DM: withdrawn");
  }
}
