package io.dmexporter.sim;

import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.SourceStatus;
import java.util.Map;
import java.util.TreeMap;

/** An upstream source: its binlog, its relay, the worker it is bound to and its subtasks (one per task). */
final class SimSource {
  final String id;
  final Upstream up;
  final SimRelay relay = new SimRelay();
  final Map<String, SimSubtask> subtasks = new TreeMap<>();
  String worker;
  double t;

  SimSource(String id, Upstream up, double now) {
    this.id = id;
    this.up = up;
    this.t = now;
    relay.position = up.headAt(now);
  }

  /** Replays time to {@code target}; nothing migrates while no worker serves the source. */
  void advanceTo(double target) {
    if (target <= t) {
      return;
    }
    boolean active = worker != null;
    relay.advance(up, t, target, active);
    double cap = relay.enabled ? relay.position : Double.POSITIVE_INFINITY;
    double capSpeed = relay.enabled ? relay.speed(up, target) : up.bytesPerSecond();
    for (SimSubtask st : subtasks.values()) {
      st.advanceTo(target, active, cap, capSpeed, id);
    }
    t = target;
  }

  SimSubtask subtask(String task) {
    SimSubtask st = subtasks.get(task);
    if (st == null) {
      throw new java.util.NoSuchElementException("task '" + task + "' has no subtask on source '" + id + "'");
    }
    return st;
  }

  /** What this source's worker answers to {@code pb.Worker/QueryStatus} (empty task = all subtasks). */
  QueryStatusResponse workerStatus(String task) {
    SourceStatus.Builder ss = SourceStatus.newBuilder().setSource(id).setWorker(worker == null ? "" : worker);
    if (relay.enabled) {
      ss.setRelayStatus(relay.toProto(up, t));
    }
    QueryStatusResponse.Builder r = QueryStatusResponse.newBuilder().setResult(true).setSourceStatus(ss);
    for (SimSubtask st : subtasks.values()) {
      if (task.isEmpty() || task.equals(st.task)) {
        r.addSubTaskStatus(st.toProto(relay.enabled));
      }
    }
    if (!task.isEmpty() && r.getSubTaskStatusCount() == 0) {
      // what a DM-worker says about a task it does not run
      r.addSubTaskStatus(io.dmexporter.dm.pb.SubTaskStatus.newBuilder().setName(task)
          .setMsg("no sub task with name " + task + " has started"));
    }
    return r.build();
  }

  /** Where the relay starts when it is enabled: at the slowest syncer, so none of them misses binlog. */
  double relayStartPosition() {
    double from = up.headAt(t);
    for (SimSubtask st : subtasks.values()) {
      if (st.unit == io.dmexporter.dm.pb.UnitType.Sync) {
        from = Math.min(from, st.syncPos);
      }
    }
    return from;
  }
}
