package io.dmexporter.model;

/** Processing unit of a subtask, as DM names it (pb.UnitType without Invalid and Relay). */
public enum Unit {
  CHECK("Check"),
  DUMP("Dump"),
  LOAD("Load"),
  SYNC("Sync");

  private final String dmName;

  Unit(String dmName) {
    this.dmName = dmName;
  }

  /** The name DM prints, e.g. {@code Sync}; also the metric label value. */
  public String dmName() {
    return dmName;
  }

  @Override
  public String toString() {
    return dmName;
  }
}
