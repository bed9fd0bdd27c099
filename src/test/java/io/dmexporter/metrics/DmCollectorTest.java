package io.dmexporter.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dmexporter.model.MasterMember;
import io.dmexporter.model.Membership;
import io.dmexporter.model.ProcessResult;
import io.dmexporter.model.Snapshot;
import io.dmexporter.model.Source;
import io.dmexporter.model.WorkerMember;
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
  void rendersTheLatestSnapshotAndWithdrawsWhenStale() {
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
    assertEquals(2, first.size(), "dm_source_up and dm_source_errors");

    current.set(snapshot(t0.plusSeconds(15), "b"));
    now.set(t0.plusSeconds(15));
    var second = c.collect();
    assertEquals("b", second.get(0).getDataPoints().get(0).getLabels().get("source_id"));

    now.set(t0.plusSeconds(61));
    assertEquals(0, c.collect().size(), "three intervals without reaching DM: withdrawn");
  }

  @Test
  void membersOfOneNameCannotFailAScrape() {
    // Found by WireFuzzTest#memberList: two DM-masters (or workers) of one name gave one series twice.
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    Membership twice = new Membership(
        List.of(new MasterMember("master2", true, true, List.of("http://a:8261")),
            new MasterMember("master2", false, false, List.of("http://b:8261"))),
        List.of(new WorkerMember("worker1", "a:8262", "bound", "s1"), new WorkerMember("worker1", "b:8262", "free", "")),
        "a:8261");
    Snapshot s = new Snapshot(t0, 0.1, t0, List.of(), List.of(), List.of(), List.of(), twice, List.of());
    var families = new DmCollector(() -> s, Clock.fixed(t0, ZoneOffset.UTC), Duration.ofMinutes(1)).collect();
    var alive = families.stream().filter(f -> f.getMetadata().getName().equals("dm_cluster_master_alive")).findFirst().orElseThrow();
    assertEquals(1, alive.getDataPoints().size(), "the first of the two wins");
    assertEquals(1.0, ((io.prometheus.metrics.model.snapshots.GaugeSnapshot) alive).getDataPoints().get(0).getValue());
  }
}
