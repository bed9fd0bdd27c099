package io.dmexporter.model;

/** One of the independent conditions that make a task's status Error. */
public enum ErrorReason {
  /** Some subtask is Paused with errors in its result. */
  SUBTASK_ERROR("subtask_error"),
  /** A running Sync subtask's relay is Paused or Stopped with errors. */
  RELAY_ERROR("relay_error"),
  /** A running Sync subtask's relay is Paused without errors. */
  RELAY_PAUSED("relay_paused"),
  /** A running Sync subtask's relay is Stopped without errors. */
  RELAY_STOPPED("relay_stopped");

  private final String label;

  ErrorReason(String label) {
    this.label = label;
  }

  /** The metric label value. */
  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }
}
