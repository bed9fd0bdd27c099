package io.dmexporter.model;

/** Stage of a subtask or relay, as DM names it (pb.Stage without its invalid value). */
public enum Stage {
  NEW("New"),
  RUNNING("Running"),
  PAUSED("Paused"),
  STOPPED("Stopped"),
  FINISHED("Finished"),
  PAUSING("Pausing"),
  RESUMING("Resuming"),
  STOPPING("Stopping");

  private final String dmName;

  Stage(String dmName) {
    this.dmName = dmName;
  }

  /** The name DM prints, e.g. {@code Running}; also the metric label value. */
  public String dmName() {
    return dmName;
  }

  @Override
  public String toString() {
    return dmName;
  }
}
