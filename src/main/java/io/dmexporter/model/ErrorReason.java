package io.dmexporter.model;

import java.util.Locale;

/** One of the independent conditions that make a task's status Error. */
public enum ErrorReason {
  /** Some subtask is Paused with errors in its result. */
  SUBTASK_ERROR,
  /** A running Sync subtask's relay is Paused or Stopped with errors. */
  RELAY_ERROR,
  /** A running Sync subtask's relay is Paused without errors. */
  RELAY_PAUSED,
  /** A running Sync subtask's relay is Stopped without errors. */
  RELAY_STOPPED;

  /** The metric label value, e.g. {@code subtask_error}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return label();
  }
}
