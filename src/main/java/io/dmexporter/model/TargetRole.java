package io.dmexporter.model;

/** Which kind of DM endpoint a poll target is. */
public enum TargetRole {
  MASTER("master"),
  WORKER("worker");

  private final String label;

  TargetRole(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }
}
