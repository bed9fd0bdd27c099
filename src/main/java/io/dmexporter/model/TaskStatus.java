package io.dmexporter.model;

/** The task status that {@code query-status} prints, reduced to its state (the reason is separate). */
public enum TaskStatus {
  NEW("New"),
  RUNNING("Running"),
  PAUSED("Paused"),
  STOPPED("Stopped"),
  FINISHED("Finished"),
  ERROR("Error");

  private final String dmName;

  TaskStatus(String dmName) {
    this.dmName = dmName;
  }

  /** The name DM prints; also the metric label value. */
  public String dmName() {
    return dmName;
  }

  @Override
  public String toString() {
    return dmName;
  }
}
