package io.dmexporter.status;

import io.dmexporter.model.ErrorReason;
import io.dmexporter.model.Relay;
import io.dmexporter.model.Stage;
import io.dmexporter.model.Subtask;
import io.dmexporter.model.Task;
import io.dmexporter.model.TaskStatus;
import io.dmexporter.model.Unit;
import io.dmexporter.model.UnknownSubtask;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * DM's task-status rules from {@code query-status}, applied independently of subtask order:
 * subtask error over relay problem over manual pause, then "every subtask in one stage" gives
 * that stage, else Running. Subtasks whose status could not be read take no part.
 */
public final class TaskStatusRules {
  private TaskStatusRules() {}

  /**
   * Derives every task from its readable subtasks and counts its unknown ones; {@code relayOf}
   * gives the relay in the same worker's answer as a subtask (null when relay is disabled). Tasks
   * are returned in first-seen order, readable ones first.
   */
  public static List<Task> derive(
      Collection<Subtask> subtasks, Collection<UnknownSubtask> unknown, Function<Subtask, Relay> relayOf) {
    Map<String, List<Subtask>> byTask = new LinkedHashMap<>();
    for (Subtask s : subtasks) {
      byTask.computeIfAbsent(s.task(), k -> new ArrayList<>()).add(s);
    }
    Map<String, Integer> unknownByTask = new LinkedHashMap<>();
    for (UnknownSubtask u : unknown) {
      byTask.computeIfAbsent(u.task(), k -> new ArrayList<>());
      unknownByTask.merge(u.task(), 1, Integer::sum);
    }
    List<Task> tasks = new ArrayList<>(byTask.size());
    byTask.forEach((name, list) -> tasks.add(derive(name, list, unknownByTask.getOrDefault(name, 0), relayOf)));
    return tasks;
  }

  /** Derives one task from its readable subtasks. */
  public static Task derive(String name, List<Subtask> subtasks, int unknown, Function<Subtask, Relay> relayOf) {
    Set<ErrorReason> reasons = errorReasons(subtasks, relayOf);
    return new Task(name, status(subtasks, reasons), reasons, subtasks.size(), unknown);
  }

  /** The four independent Error conditions that hold for these subtasks now. */
  public static Set<ErrorReason> errorReasons(List<Subtask> subtasks, Function<Subtask, Relay> relayOf) {
    Set<ErrorReason> reasons = EnumSet.noneOf(ErrorReason.class);
    for (Subtask s : subtasks) {
      if (s.pausedWithError()) {
        reasons.add(ErrorReason.SUBTASK_ERROR);
      }
      if (s.unit() == Unit.SYNC && s.stage() == Stage.RUNNING) {
        ErrorReason relayReason = relayReason(relayOf.apply(s));
        if (relayReason != null) {
          reasons.add(relayReason);
        }
      }
    }
    return reasons;
  }

  /**
   * Why a relay under a running Sync makes the task Error, or null if it does not: a Paused or
   * Stopped relay is {@code relay_error} when its result has errors, else named by its stage.
   */
  public static ErrorReason relayReason(Relay relay) {
    if (relay == null || (relay.stage() != Stage.PAUSED && relay.stage() != Stage.STOPPED)) {
      return null;
    }
    if (relay.result().hasErrors()) {
      return ErrorReason.RELAY_ERROR;
    }
    return relay.stage() == Stage.PAUSED ? ErrorReason.RELAY_PAUSED : ErrorReason.RELAY_STOPPED;
  }

  /**
   * The task status as {@code query-status} prints it, e.g. {@code Error - Relay status is Paused}
   * (DM names one reason; when several hold, a subtask error wins, then the relay's in the order
   * Error, Paused, Stopped), or null when no subtask could be read.
   */
  public static String wording(Task task) {
    if (task.status() == null) {
      return null;
    }
    if (task.status() != TaskStatus.ERROR) {
      return task.status().dmName();
    }
    ErrorReason first = EnumSet.copyOf(task.errorReasons()).iterator().next();
    return switch (first) {
      case SUBTASK_ERROR -> "Error - Some error occurred in subtask";
      case RELAY_ERROR -> "Error - Relay status is Error";
      case RELAY_PAUSED -> "Error - Relay status is Paused";
      case RELAY_STOPPED -> "Error - Relay status is Stopped";
    };
  }

  /** The status, or null when no subtask could be read. */
  private static TaskStatus status(List<Subtask> subtasks, Set<ErrorReason> reasons) {
    if (subtasks.isEmpty()) {
      return null;
    }
    if (!reasons.isEmpty()) {
      return TaskStatus.ERROR;
    }
    if (subtasks.stream().anyMatch(s -> s.stage() == Stage.PAUSED)) {
      return TaskStatus.PAUSED;
    }
    Stage first = subtasks.get(0).stage();
    if (first != null && subtasks.stream().allMatch(s -> s.stage() == first)) {
      return TaskStatus.of(first);
    }
    return TaskStatus.RUNNING;
  }
}
