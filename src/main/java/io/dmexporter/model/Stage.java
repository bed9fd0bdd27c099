package io.dmexporter.model;

import java.util.Locale;

/** Stage of a subtask or relay, as DM names it (pb.Stage without its invalid value). */
public enum Stage {
  NEW,
  RUNNING,
  PAUSED,
  STOPPED,
  FINISHED,
  PAUSING,
  RESUMING,
  STOPPING;

  /** The name DM prints, e.g. {@code Running}; also the metric label value. */
  public String dmName() {
    return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return dmName();
  }
}
