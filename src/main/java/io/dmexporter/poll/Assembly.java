package io.dmexporter.poll;

import io.dmexporter.dm.Outcome;
import io.dmexporter.dm.SourceAnswer;
import io.dmexporter.dm.SourceReport;
import io.dmexporter.model.BadValue;
import io.dmexporter.model.Membership;
import io.dmexporter.model.Relay;
import io.dmexporter.model.Source;
import io.dmexporter.model.Subtask;
import io.dmexporter.model.UnknownSubtask;
import io.dmexporter.model.WorkerMember;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns what one cycle gathered into the snapshot's subtasks, sources and unknown subtasks. Pure:
 * the same answers give the same result. Nothing DM-master knows of is dropped silently: a
 * subtask whose status could not be read is an {@link UnknownSubtask}, and its source, when
 * nothing else was learned about it, a source that is down.
 */
final class Assembly {
  static final String NO_WORKER = "no DM-worker is bound to the source";
  static final String NOT_REPORTED = "the source's DM-worker did not report the subtask";
  static final String NO_MASTER = "no DM-master answered";

  private final List<Subtask> subtasks = new ArrayList<>();
  private final List<Source> sources = new ArrayList<>();
  private final Map<List<String>, UnknownSubtask> unknown = new LinkedHashMap<>();
  private final Set<List<String>> read = new HashSet<>();
  private final List<BadValue> badValues = new ArrayList<>();
  /** Source id → the worker DM-master lists as serving it. */
  private final Map<String, String> bindings = new HashMap<>();

  /** The subtasks, sources and unknown subtasks of a cycle, deduplicated. */
  record Parts(List<Subtask> subtasks, List<Source> sources, List<UnknownSubtask> unknown,
      Map<List<String>, Relay> relays, List<BadValue> badValues) {

    /** The relay in the same worker's answer as this subtask. */
    Relay relayOf(Subtask s) {
      return relays.get(List.of(s.sourceId(), s.worker()));
    }
  }

  /**
   * {@code membership} is this cycle's member list or, when no DM-master answered, the last one;
   * {@code knownTasks} gives, in static mode, the tasks each worker address served when it last
   * answered.
   */
  static Parts assemble(Cycle.Result r, Membership membership, Map<String, Set<String>> knownTasks) {
    Assembly a = new Assembly();
    if (membership != null) {
      for (WorkerMember w : membership.workers()) {
        if (w.serving() && !w.sourceId().isEmpty()) {
          a.bindings.putIfAbsent(w.sourceId(), w.name());
        }
      }
    }
    for (Cycle.WorkerCall w : r.workers()) {
      a.worker(w, knownTasks.getOrDefault(w.outcome().address(), Set.of()));
    }
    if (membership != null) {
      // DM before it cleared an offline worker's source listed it with the source it served.
      membership.workers().stream().filter(w -> "offline".equals(w.stage()) && !w.sourceId().isEmpty())
          .forEach(w -> a.down(w.sourceId(), w.name(), "DM-worker " + w.name() + " is offline", Set.of()));
    }
    if (r.masterAsked()) {
      a.master(r.master());
    }
    if (r.catalogue() != null) {
      a.catalogue(r.catalogue());
    }
    return a.parts();
  }

  /** Master mode when DM-master could not be asked at all: every known source is unreadable. */
  static Parts noMaster(Membership last, Map<String, Set<String>> catalogue) {
    Assembly a = new Assembly();
    if (last != null) {
      for (WorkerMember w : last.workers()) {
        if (w.serving() && !w.sourceId().isEmpty()) {
          a.bindings.putIfAbsent(w.sourceId(), w.name());
          a.down(w.sourceId(), w.name(), NO_MASTER, Set.of());
        }
      }
    }
    if (catalogue != null) {
      a.catalogue(catalogue);
    }
    return a.parts();
  }

  private void worker(Cycle.WorkerCall w, Set<String> lastTasks) {
    Outcome<SourceReport> call = w.outcome();
    if (call.ok()) {
      SourceReport report = call.value();
      if (report.source().sourceId().isEmpty() && report.subtasks().isEmpty()) {
        return; // a free worker: nothing bound, nothing to report
      }
      add(report);
    } else if (!w.member().sourceId().isEmpty()) {
      down(w.member().sourceId(), w.member().name(), call.message(), lastTasks);
    }
  }

  private void master(Outcome<List<SourceAnswer>> call) {
    if (!call.ok()) {
      bindings.forEach((source, worker) -> down(source, worker, call.message(), Set.of()));
      return;
    }
    for (SourceAnswer answer : call.value()) {
      if (answer.read()) {
        add(answer.report());
      } else if (!answer.sourceId().isEmpty()) {
        // DM-master names no worker when its call to the worker failed: ListMember's binding does.
        String worker = answer.worker().isEmpty() ? bindings.getOrDefault(answer.sourceId(), "") : answer.worker();
        down(answer.sourceId(), worker, answer.failure(), answer.unreadTasks());
      }
    }
  }

  /** Every subtask DM-master knows of that was not read is unknown; so is its source when nothing else is known of it. */
  private void catalogue(Map<String, Set<String>> sourcesByTask) {
    Map<String, Source> downById = new HashMap<>();
    Set<String> seenSources = new HashSet<>();
    for (Source s : sources) {
      seenSources.add(s.sourceId());
      if (!s.up()) {
        downById.putIfAbsent(s.sourceId(), s);
      }
    }
    sourcesByTask.forEach((task, ids) -> {
      for (String source : ids) {
        List<String> key = List.of(task, source);
        if (read.contains(key) || unknown.containsKey(key)) {
          continue;
        }
        String worker = bindings.getOrDefault(source, "");
        Source down = downById.get(source);
        String reason;
        if (down != null) {
          reason = down.error();
          worker = down.worker();
        } else if (seenSources.contains(source)) {
          reason = NOT_REPORTED; // its worker answered, without this subtask
        } else {
          reason = worker.isEmpty() ? NO_WORKER : NOT_REPORTED;
          Source added = Source.down(source, worker, reason);
          sources.add(added);
          downById.put(source, added);
          seenSources.add(source);
        }
        unknown.put(key, new UnknownSubtask(task, source, worker, reason));
      }
    });
  }

  private void add(SourceReport report) {
    sources.add(report.source());
    for (Subtask s : report.subtasks()) {
      subtasks.add(s);
      read.add(List.of(s.task(), s.sourceId()));
    }
    badValues.addAll(report.badValues());
  }

  private void down(String sourceId, String worker, String reason, Iterable<String> tasks) {
    sources.add(Source.down(sourceId, worker, reason));
    for (String task : tasks) {
      unknown.putIfAbsent(List.of(task, sourceId), new UnknownSubtask(task, sourceId, worker, reason));
    }
  }

  private Parts parts() {
    Map<List<String>, Subtask> uniqueSubtasks = new LinkedHashMap<>();
    for (Subtask s : subtasks) {
      uniqueSubtasks.putIfAbsent(List.of(s.task(), s.sourceId(), s.worker()), s);
    }
    // A source read successfully wins over a report that it could not be read.
    Map<List<String>, Source> uniqueSources = new LinkedHashMap<>();
    for (Source s : sources) {
      uniqueSources.merge(List.of(s.sourceId(), s.worker()), s, (x, y) -> x.up() ? x : y);
    }
    Map<List<String>, Relay> relays = new HashMap<>();
    for (Source s : uniqueSources.values()) {
      if (s.up() && s.relay() != null) {
        relays.put(List.of(s.sourceId(), s.worker()), s.relay());
      }
    }
    List<UnknownSubtask> stillUnknown = new ArrayList<>();
    unknown.forEach((key, u) -> {
      if (!read.contains(key)) {
        stillUnknown.add(u);
      }
    });
    return new Parts(List.copyOf(uniqueSubtasks.values()), List.copyOf(uniqueSources.values()), stillUnknown, relays,
        badValues);
  }
}
