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

/** Every action from every stage, against DM's "Status switch diagram". */
class SubtaskActionTest {
  /** The diagram's arrows: (action, from) → to. Anything not listed is illegal. */
  private static final Map<SubtaskAction, Map<Stage, Stage>> DIAGRAM = Map.of(
      SubtaskAction.START, Map.of(Stage.New, Stage.Running, Stage.Stopped, Stage.Running),
      SubtaskAction.ERROR, Map.of(Stage.New, Stage.Paused, Stage.Running, Stage.Paused),
      SubtaskAction.PAUSE, Map.of(Stage.Running, Stage.Paused),
      SubtaskAction.RESUME, Map.of(Stage.Paused, Stage.Running),
      SubtaskAction.STOP, Map.of(Stage.Running, Stage.Stopped, Stage.Paused, Stage.Stopped),
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
  void stoppedResumesNeverAndFinishedIsTerminal(Stage terminal) {
    for (SubtaskAction a : SubtaskAction.values()) {
      if (terminal == Stage.Stopped && a == SubtaskAction.START) {
        continue; // the diagram's "start task" arrow from Stopped
      }
      assertThrows(IllegalTransitionException.class, () -> a.apply(terminal, "x"), a + " from " + terminal);
    }
  }

  static Stream<Stage> terminal() {
    return Stream.of(Stage.Stopped, Stage.Finished);
  }
}
