package io.dmexporter.model;

import java.util.Locale;

/** The task status that {@code query-status} prints, reduced to its state (the reason is separate). */
public enum TaskStatus {
  NEW,
  RUNNING,
  PAUSED,
  STOPPED,
  FINISHED,
  PAUSING,
  RESUMING,
  STOPPING,
  ERROR;

  /** The name DM prints, e.g. {@code Error}; also the metric label value. */
  public String dmName() {
    return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
  }

  /** The task status of a task whose subtasks are all in {@code stage}. */
  public static TaskStatus of(Stage stage) {
    return valueOf(stage.name());
  }

  @Override
  public String toString() {
    return dmName();
  }
}
