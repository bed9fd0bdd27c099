package io.dmexporter.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.dm.pb.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every action from every stage, against DM-worker's subtask (worker/subtask.go). */
class SubtaskActionTest {
  private static final Map<Stage, Stage> STOP_FROM_ANYWHERE = Map.of(Stage.New, Stage.Stopping,
      Stage.Running, Stage.Stopping, Stage.Paused, Stage.Stopping, Stage.Stopped, Stage.Stopping,
      Stage.Finished, Stage.Stopping, Stage.Pausing, Stage.Stopping, Stage.Resuming, Stage.Stopping);

  /** (action, from) → to. Anything not listed is illegal. */
  private static final Map<SubtaskAction, Map<Stage, Stage>> DIAGRAM = Map.of(
      SubtaskAction.START, Map.of(Stage.New, Stage.Running, Stage.Stopped, Stage.Running),
      SubtaskAction.ERROR, Map.of(Stage.New, Stage.Paused, Stage.Running, Stage.Paused, Stage.Resuming, Stage.Paused),
      // from Paused: pause-task on a subtask paused by an error (it only sets isCanceled)
      SubtaskAction.PAUSE, Map.of(Stage.Running, Stage.Paused, Stage.Paused, Stage.Paused),
      // resume-task also resumes a Stopped subtask
      SubtaskAction.RESUME, Map.of(Stage.Paused, Stage.Running, Stage.Stopped, Stage.Running),
      // stop-task deletes the subtask whatever its stage; it shows Stopping until it is gone
      SubtaskAction.STOP, STOP_FROM_ANYWHERE,
      SubtaskAction.FINISH, Map.of(Stage.Running, Stage.Finished));

  static Stream<Arguments> everyPair() {
    List<Arguments> out = new ArrayList<>();
    for (SubtaskAction a : SubtaskAction.values()) {
      for (Stage s : Stage.values()) {
        if (s != Stage.UNRECOGNIZED) {
          out.add(Arguments.of(a, s, DIAGRAM.get(a).get(s)));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} from {1} -> {2}")
  @MethodSource("everyPair")
  void followsTheDiagram(SubtaskAction action, Stage from, Stage expected) {
    if (expected != null) {
      assertEquals(expected, action.apply(from, "'t' on source 's'"));
    } else {
      IllegalTransitionException e = assertThrows(IllegalTransitionException.class,
          () -> action.apply(from, "'t' on source 's'"));
      assertTrue(e.getMessage().contains(action.label()) && e.getMessage().contains(from.name())
          && e.getMessage().contains("'t' on source 's'"), e.getMessage());
    }
  }

  @ParameterizedTest(name = "{0} is terminal")
  @MethodSource("terminal")
  void finishedAndStoppingOnlyGoAway(Stage terminal) {
    for (SubtaskAction a : SubtaskAction.values()) {
      if (a == SubtaskAction.STOP && terminal == Stage.Finished) {
        assertEquals(Stage.Stopping, a.apply(terminal, "x"), "stop-task deletes a Finished subtask too");
        continue;
      }
      assertThrows(IllegalTransitionException.class, () -> a.apply(terminal, "x"), a + " from " + terminal);
    }
  }

  static Stream<Stage> terminal() {
    return Stream.of(Stage.Finished, Stage.Stopping);
  }
}
