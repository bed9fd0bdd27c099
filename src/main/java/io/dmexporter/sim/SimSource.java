package io.dmexporter.sim;

import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.SourceStatus;
import io.dmexporter.dm.pb.SubTaskStatus;
import io.dmexporter.dm.pb.UnitType;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * An upstream source: its binlog, its relay, the worker it is bound to and its subtasks (one per
 * task). While a worker serves it, that worker's task checker looks at the relay and the
 * subtasks every 5 s, counted from when the worker took the source.
 */
final class SimSource {
  final String id;
  final Upstream up;
  final SimRelay relay;
  final Map<String, SimSubtask> subtasks = new TreeMap<>();
  String worker;
  double t;
  /** When the current worker started serving this source: its task checker ticks from there. */
  private double checkerOrigin;
  private long nextTick = 1;

  SimSource(String id, Upstream up, double now, Random jitter) {
    this.id = id;
    this.up = up;
    this.t = now;
    this.relay = new SimRelay(jitter);
    relay.position = up.headAt(now);
  }

  /** A worker starts serving the source at {@code now} (null: none does): it starts everything anew. */
  void serve(String workerName, double now) {
    worker = workerName;
    if (workerName == null) {
      return;
    }
    checkerOrigin = now;
    nextTick = 1;
    relay.restartOnNewWorker(now);
    subtasks.values().forEach(SimSubtask::restartOnNewWorker);
  }

  /** Drops the subtasks whose stop has completed (a stuck one stays Stopping); true if any went. */
  boolean removeStopped() {
    return subtasks.values().removeIf(st -> st.stopping && !st.stuck);
  }

  private double tick(long k) {
    return checkerOrigin + AutoResume.CHECK_INTERVAL * k;
  }

  /** The index of the first check strictly after {@code x}. */
  private long tickAfter(double x) {
    return (long) Math.floor((x - checkerOrigin) / AutoResume.CHECK_INTERVAL + 1e-9) + 1;
  }

  /**
   * Replays time to {@code target}; nothing migrates while no worker serves the source. At an
   * instant where the checker looks and something else happens too, the checker looks first.
   */
  void advanceTo(double target) {
    boolean active = worker != null;
    while (t < target) {
      double next = Math.min(target, relay.nextEvent());
      for (SimSubtask st : subtasks.values()) {
        next = Math.min(next, st.nextEvent(active));
      }
      long k = active ? nextUsefulCheck() : -1;
      boolean check = k > 0 && tick(k) <= next;
      step(check ? tick(k) : next, active);
      if (check) {
        relay.check(t);
        subtasks.values().forEach(st -> st.check(t, id));
        nextTick = k + 1;
      }
      relay.fireEvents(t);
      subtasks.values().forEach(st -> st.fireEvents(active, id));
    }
  }

  /** The index of the next check that can change anything (rounds that change nothing are skipped), or -1. */
  private long nextUsefulCheck() {
    double after = relay.checkNeededAfter();
    for (SimSubtask st : subtasks.values()) {
      after = Math.min(after, st.checkNeededAfter());
    }
    if (after == Double.POSITIVE_INFINITY) {
      return -1;
    }
    long k = Math.max(nextTick, tickAfter(t));
    return after == Double.NEGATIVE_INFINITY ? k : Math.max(k, tickAfter(after));
  }

  private void step(double b, boolean active) {
    relay.advance(up, t, b, active);
    double cap = relay.enabled ? relay.position : Double.POSITIVE_INFINITY;
    double capSpeed = relay.enabled ? relay.speed(up, b) : up.bytesPerSecond();
    for (SimSubtask st : subtasks.values()) {
      st.integrate(b, active, cap, capSpeed);
    }
    t = b;
  }

  SimSubtask subtask(String task) {
    SimSubtask st = subtasks.get(task);
    if (st == null) {
      throw new java.util.NoSuchElementException("task '" + task + "' has no subtask on source '" + id + "'");
    }
    return st;
  }

  /** What this source's worker answers to {@code pb.Worker/QueryStatus} (empty task = all subtasks). */
  QueryStatusResponse workerStatus(String workerName, String task, DmVersion version) {
    SourceStatus.Builder ss = SourceStatus.newBuilder().setSource(id).setWorker(workerName);
    if (relay.enabled) {
      ss.setRelayStatus(relay.toProto(up, t));
    }
    QueryStatusResponse.Builder r = QueryStatusResponse.newBuilder().setResult(true).setSourceStatus(ss);
    if (workerName.equals(worker)) {
      for (SimSubtask st : subtasks.values()) {
        if (task.isEmpty() || task.equals(st.task)) {
          r.addSubTaskStatus(st.toProto(relay.enabled, version, id));
        }
      }
      if (!task.isEmpty() && r.getSubTaskStatusCount() == 0 && !subtasks.isEmpty()) {
        // what a DM-worker says about a task it does not run
        r.addSubTaskStatus(SubTaskStatus.newBuilder().setName(task).setMsg("no sub task with name " + task + " has started"));
      }
    }
    if (r.getSubTaskStatusCount() == 0) {
      r.setMsg("no sub task started");
    }
    return r.build();
  }

  /** Where the relay starts when it is enabled: at the slowest syncer, so none of them misses binlog. */
  double relayStartPosition() {
    double from = up.headAt(t);
    for (SimSubtask st : subtasks.values()) {
      if (st.unit == UnitType.Sync) {
        from = Math.min(from, st.syncPos);
      }
    }
    return from;
  }
}
