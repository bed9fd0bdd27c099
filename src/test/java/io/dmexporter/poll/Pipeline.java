package io.dmexporter.poll;

import io.dmexporter.dm.Outcome;
import io.dmexporter.dm.SourceAnswer;
import io.dmexporter.dm.WireMapper;
import io.dmexporter.dm.pb.QueryStatusListResponse;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.metrics.Telemetry;
import io.dmexporter.model.Membership;
import io.dmexporter.model.Snapshot;
import io.dmexporter.model.Subtask;
import io.dmexporter.model.WorkerMember;
import io.dmexporter.status.TaskStatusRules;
import io.dmexporter.web.ExpositionCache;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DM's answers through the mapper, the assembly and the collectors as one poll cycle takes them,
 * without the network: for the golden and fuzz tests.
 */
final class Pipeline {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private Pipeline() {}

  /** A worker's answer, as the only worker of a cycle. */
  static Snapshot worker(QueryStatusResponse answer, Map<String, Set<String>> catalogue, Membership membership) {
    var report = WireMapper.sourceReport(answer, "");
    WorkerMember member = new WorkerMember(report.source().worker(), "dm-worker:8262", "bound", report.source().sourceId());
    return snapshot(new Cycle.Result(membership, List.of(new Cycle.WorkerCall(member,
        new Outcome<>("dm-worker:8262", report, null, null, 0.01, false))), null, false, catalogue, Map.of(), true));
  }

  /** DM-master's answer in master mode. */
  static Snapshot master(QueryStatusListResponse answer, Map<String, Set<String>> catalogue, Membership membership) {
    Outcome<List<SourceAnswer>> master = new Outcome<>("dm-master:8261", WireMapper.masterStatus(answer), null, null, 0.01, false);
    return snapshot(new Cycle.Result(membership, List.of(), master, true, catalogue, Map.of(), true));
  }

  static Snapshot snapshot(Cycle.Result result) {
    Assembly.Parts parts = Assembly.assemble(result, result.membership(), Map.of());
    List<Subtask> subtasks = new ReportedFields().apply(parts.subtasks());
    return new Snapshot(NOW, 0.01, NOW, TaskStatusRules.derive(subtasks, parts.unknown(), parts::relayOf),
        subtasks, parts.unknown(), parts.sources(), result.membership(), List.of());
  }

  /** The snapshot as /metrics serves it (through the exposition cache), in the Prometheus text format or OpenMetrics. */
  static String exposition(Snapshot s, boolean openMetrics) {
    ExpositionCache cache = new ExpositionCache(Telemetry.of(() -> s, Clock.fixed(NOW, ZoneOffset.UTC),
        Duration.ofSeconds(45), new io.dmexporter.BuildInfo("v", "r", "b", "d", "17", "linux/amd64"), () -> 0, false));
    ExpositionCache.Body body = cache.body(cache.writer(openMetrics ? "application/openmetrics-text; version=1.0.0" : null),
        false, null);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    body.buffers().forEach(b -> {
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      out.writeBytes(bytes);
    });
    return out.toString(StandardCharsets.UTF_8);
  }
}
