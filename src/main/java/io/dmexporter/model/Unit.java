package io.dmexporter.model;

import java.util.Locale;

/** Processing unit of a subtask, as DM names it (pb.UnitType without Invalid and Relay). */
public enum Unit {
  CHECK,
  DUMP,
  LOAD,
  SYNC;

  /** The name DM prints, e.g. {@code Sync}; also the metric label value. */
  public String dmName() {
    return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return dmName();
  }
}
