package io.dmexporter.sim;

import io.dmexporter.dm.pb.Stage;
import java.util.EnumSet;
import java.util.Set;

/** The events of DM's subtask state diagram, each with the stages it may start from and where it leads. */
public enum SubtaskAction {
  START("start-task", Stage.Running, EnumSet.of(Stage.New, Stage.Stopped)),
  ERROR("error occurs", Stage.Paused, EnumSet.of(Stage.New, Stage.Running)),
  PAUSE("pause-task", Stage.Paused, EnumSet.of(Stage.Running)),
  RESUME("resume-task", Stage.Running, EnumSet.of(Stage.Paused)),
  STOP("stop-task", Stage.Stopped, EnumSet.of(Stage.Running, Stage.Paused)),
  FINISH("finish", Stage.Finished, EnumSet.of(Stage.Running));

  private final String label;
  private final Stage target;
  private final Set<Stage> from;

  SubtaskAction(String label, Stage target, Set<Stage> from) {
    this.label = label;
    this.target = target;
    this.from = from;
  }

  /** The stage this action leads to from {@code current}, or IllegalTransitionException naming both. */
  public Stage apply(Stage current, String subtask) {
    if (!from.contains(current)) {
      throw new IllegalTransitionException(
          "cannot " + label + " subtask " + subtask + ": it is " + current
              + " (" + label + " is allowed from " + from + ")");
    }
    return target;
  }

  public String label() {
    return label;
  }
}
