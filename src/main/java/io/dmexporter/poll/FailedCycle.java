package io.dmexporter.poll;

import io.dmexporter.model.Snapshot;
import io.dmexporter.model.Source;
import io.dmexporter.model.Subtask;
import io.dmexporter.model.TargetHealth;
import io.dmexporter.model.UnknownSubtask;
import io.dmexporter.status.TaskStatusRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The snapshot published when a cycle throws: it confirmed nothing, so every endpoint of the last
 * snapshot is down, every source it knew is down, and every subtask it knew is unknown. Nothing
 * of the last snapshot is served as current (no stale {@code target_up 1}). Pure.
 */
final class FailedCycle {
  private FailedCycle() {}

  static Snapshot snapshot(Snapshot last, Instant time, double seconds, String reason) {
    Map<List<String>, UnknownSubtask> unknown = new LinkedHashMap<>();
    for (Subtask s : last.subtasks()) {
      unknown.putIfAbsent(List.of(s.task(), s.sourceId()), new UnknownSubtask(s.task(), s.sourceId(), s.worker(), reason));
    }
    for (UnknownSubtask u : last.unknownSubtasks()) {
      unknown.putIfAbsent(List.of(u.task(), u.sourceId()), new UnknownSubtask(u.task(), u.sourceId(), u.worker(), reason));
    }
    Map<List<String>, Source> sources = new LinkedHashMap<>();
    for (Source s : last.sources()) {
      sources.putIfAbsent(List.of(s.sourceId(), s.worker()), Source.down(s.sourceId(), s.worker(), reason));
    }
    List<TargetHealth> targets = new ArrayList<>(last.targets().size());
    for (TargetHealth t : last.targets()) {
      targets.add(new TargetHealth(t.address(), t.role(), false, t.durationSeconds(), null, reason, t.errorCounts()));
    }
    List<UnknownSubtask> unknownList = List.copyOf(unknown.values());
    return new Snapshot(time, seconds, last.lastSuccess(), TaskStatusRules.derive(List.of(), unknownList, s -> null),
        List.of(), unknownList, List.copyOf(sources.values()), null, targets);
  }
}
