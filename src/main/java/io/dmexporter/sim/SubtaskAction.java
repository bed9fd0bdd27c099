package io.dmexporter.sim;

import io.dmexporter.dm.pb.Stage;
import java.util.EnumSet;
import java.util.Set;

/**
 * The events of a DM-worker subtask's life ({@code worker/subtask.go}), each with the stages it
 * may start from and the stage it leads to. Pause, resume and stop pass through DM's transient
 * stages (Pausing, Resuming, Stopping) on the way; stop-task then deletes the subtask.
 */
public enum SubtaskAction {
  /** Run a New subtask, or start one created Stopped. */
  START("start-task", Stage.Running, EnumSet.of(Stage.New, Stage.Stopped)),
  /** The unit returns an error (also while it waits to resume). */
  ERROR("error occurs", Stage.Paused, EnumSet.of(Stage.New, Stage.Running, Stage.Resuming)),
  /** pause-task: Running → Pausing → Paused; on a subtask Paused by an error it only sets isCanceled. */
  PAUSE("pause-task", Stage.Paused, EnumSet.of(Stage.Running, Stage.Paused)),
  /** resume-task (and the task checker's auto-resume): Paused or Stopped → Resuming → Running. */
  RESUME("resume-task", Stage.Running, EnumSet.of(Stage.Paused, Stage.Stopped)),
  /** stop-task: Stopping, then the subtask is deleted, whatever its stage. */
  STOP("stop-task", Stage.Stopping, EnumSet.of(Stage.New, Stage.Running, Stage.Paused, Stage.Stopped,
      Stage.Finished, Stage.Pausing, Stage.Resuming)),
  /** The last unit ends. */
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
