package io.dmexporter.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dmexporter.model.ErrorReason;
import io.dmexporter.model.ProcessError;
import io.dmexporter.model.ProcessResult;
import io.dmexporter.model.Relay;
import io.dmexporter.model.Stage;
import io.dmexporter.model.Subtask;
import io.dmexporter.model.Task;
import io.dmexporter.model.TaskStatus;
import io.dmexporter.model.Unit;
import io.dmexporter.model.UnknownSubtask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The seed's task-status table, row by row, plus the relay variants. A subtask is written
 * {@code Stage/Unit[/err][@relay=Stage[+err]]}; subtasks are separated by spaces.
 */
class TaskStatusRulesTest {

  @ParameterizedTest(name = "{0} -> {3}")
  @CsvSource(delimiter = '|', textBlock = """
      # one subtask paused with error information: Error
      Paused/Load/err Running/Sync                     | Error    | subtask_error               | Error - Some error occurred in subtask
      # a running Sync whose relay is not running: Error, named by the relay
      Running/Sync@relay=Paused                        | Error    | relay_paused                | Error - Relay status is Paused
      Running/Sync@relay=Stopped                       | Error    | relay_stopped               | Error - Relay status is Stopped
      Running/Sync@relay=Paused+err                    | Error    | relay_error                 | Error - Relay status is Error
      Running/Sync@relay=Stopped+err                   | Error    | relay_error                 | Error - Relay status is Error
      # a relay that is Running is never Error, whatever its result says
      Running/Sync@relay=Running+err                   | Running  |                             | Running
      # a relay problem under Load or Dump, or a Sync that is not Running, is not Error
      Running/Load@relay=Paused Running/Dump@relay=Stopped | Running |                             | Running
      Paused/Sync@relay=Paused                         | Paused   |                             | Paused
      # relay disabled
      Running/Sync                                     | Running  |                             | Running
      # one subtask paused without error: Paused
      Paused/Sync Running/Load                         | Paused   |                             | Paused
      # all New, all Finished, all Stopped
      New/Load New/Dump                                | New      |                             | New
      Finished/Load Finished/Load                      | Finished |                             | Finished
      Stopped/Sync Stopped/Load                        | Stopped  |                             | Stopped
      # every subtask in one stage: that stage, as dmctl prints it
      Pausing/Sync Pausing/Load                        | Pausing  |                             | Pausing
      Resuming/Sync Resuming/Dump                      | Resuming |                             | Resuming
      Stopping/Sync Stopping/Sync                      | Stopping |                             | Stopping
      Running/Sync Running/Load                        | Running  |                             | Running
      # other situations: Running
      New/Dump Finished/Load                           | Running  |                             | Running
      Stopped/Sync Running/Sync                        | Running  |                             | Running
      Pausing/Sync Resuming/Load Stopping/Dump         | Running  |                             | Running
      Finished/Load Stopped/Sync                       | Running  |                             | Running
      # precedence: subtask error over relay over pause; reasons are independent
      Paused/Sync Paused/Load/err                      | Error    | subtask_error               | Error - Some error occurred in subtask
      Paused/Sync Running/Sync@relay=Stopped           | Error    | relay_stopped               | Error - Relay status is Stopped
      Paused/Load/err Running/Sync@relay=Paused+err    | Error    | subtask_error relay_error   | Error - Some error occurred in subtask
      Running/Sync@relay=Paused Running/Sync@relay=Stopped | Error   | relay_paused relay_stopped  | Error - Relay status is Paused
      """)
  void derivesStatusReasonsAndDmWording(String subtasks, String status, String reasons, String wording) {
    Fixture f = Fixture.parse(subtasks);
    Set<ErrorReason> expectedReasons = reasons == null ? Set.of()
        : Arrays.stream(reasons.trim().split("\\s+")).map(r -> ErrorReason.valueOf(r.toUpperCase())).collect(Collectors.toSet());
    // Order must not matter: DM's own loop can answer differently depending on it.
    for (int i = 0; i < 6; i++) {
      List<Subtask> order = new ArrayList<>(f.subtasks);
      Collections.shuffle(order, new java.util.Random(i));
      if (i == 1) {
        Collections.reverse(order);
      }
      Task task = TaskStatusRules.derive("t", order, 0, st -> f.relays.get(st.sourceId()));
      assertEquals(status, task.status().dmName(), "status for order " + order);
      assertEquals(expectedReasons, task.errorReasons(), "reasons for order " + order);
      assertEquals(wording, TaskStatusRules.wording(task), "query-status wording for order " + order);
      assertEquals(f.subtasks.size(), task.subtasks());
    }
  }

  @ParameterizedTest
  @CsvSource({"a,b", "b,a"})
  void groupsSubtasksByTaskInFirstSeenOrder(String first, String second) {
    List<Subtask> subtasks = List.of(
        subtask(first, "s1", Stage.RUNNING, Unit.SYNC, false),
        subtask(second, "s2", Stage.PAUSED, Unit.LOAD, true),
        subtask(first, "s3", Stage.RUNNING, Unit.LOAD, false));
    List<Task> tasks = TaskStatusRules.derive(subtasks, List.of(), s -> null);
    assertEquals(List.of(first, second), tasks.stream().map(Task::name).toList());
    assertEquals(TaskStatus.RUNNING, tasks.get(0).status());
    assertEquals(2, tasks.get(0).subtasks());
    assertEquals(TaskStatus.ERROR, tasks.get(1).status());
  }

  @org.junit.jupiter.api.Test
  void unknownSubtasksAreCountedAndTakeNoPartInTheStatus() {
    List<Subtask> read = List.of(subtask("a", "s1", Stage.RUNNING, Unit.SYNC, false));
    List<UnknownSubtask> unknown = List.of(
        new UnknownSubtask("a", "s2", "", "no DM-worker is bound to the source"),
        new UnknownSubtask("b", "s2", "", "no DM-worker is bound to the source"),
        new UnknownSubtask("b", "s3", "w3", "DEADLINE_EXCEEDED"));
    List<Task> tasks = TaskStatusRules.derive(read, unknown, s -> null);
    assertEquals(List.of("a", "b"), tasks.stream().map(Task::name).toList());
    Task a = tasks.get(0);
    assertEquals(TaskStatus.RUNNING, a.status(), "the unread subtask does not make it Error or Paused");
    assertEquals(1, a.subtasks());
    assertEquals(1, a.unknownSubtasks());
    Task b = tasks.get(1);
    assertEquals(null, b.status(), "no subtask of b could be read: no status");
    assertEquals(null, TaskStatusRules.wording(b), "and no wording");
    assertEquals(0, b.subtasks());
    assertEquals(2, b.unknownSubtasks());
  }

  static Subtask subtask(String task, String source, Stage stage, Unit unit, boolean error) {
    ProcessResult result = error
        ? new ProcessResult(false, List.of(new ProcessError(10006, "database", "downstream", "high", "Duplicate entry", "", "")))
        : ProcessResult.NONE;
    return new Subtask(task, source, "w-" + source, stage, unit, result, "", null, null, null, null);
  }

  /** Subtasks and relays (by source) parsed from a row. */
  private record Fixture(List<Subtask> subtasks, Map<String, Relay> relays) {
    static Fixture parse(String row) {
      List<Subtask> subtasks = new ArrayList<>();
      Map<String, Relay> relays = new HashMap<>();
      int n = 0;
      for (String spec : row.trim().split("\\s+")) {
        String source = "mysql-replica-0" + (++n);
        String[] relayPart = spec.split("@relay=");
        String[] parts = relayPart[0].split("/");
        subtasks.add(subtask("t", source, Stage.valueOf(parts[0].toUpperCase()), Unit.valueOf(parts[1].toUpperCase()),
            parts.length > 2 && parts[2].equals("err")));
        if (relayPart.length > 1) {
          String[] r = relayPart[1].split("\\+");
          ProcessResult result = r.length > 1
              ? new ProcessResult(false, List.of(new ProcessError(30001, "relay-unit", "upstream", "high", "read", "", "")))
              : ProcessResult.NONE;
          relays.put(source, new Relay(Stage.valueOf(r[0].toUpperCase()), result, false, "", null, "", "", null, "", ""));
        }
      }
      return new Fixture(subtasks, relays);
    }
  }

  @SuppressWarnings("unused")
  private static final EnumSet<ErrorReason> ALL = EnumSet.allOf(ErrorReason.class);
}
