package io.dmexporter.model;

import java.util.Locale;

/** Which kind of DM endpoint a poll target is. */
public enum TargetRole {
  MASTER,
  WORKER;

  /** The metric label value: {@code master} or {@code worker}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return label();
  }
}
