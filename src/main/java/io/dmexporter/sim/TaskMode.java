package io.dmexporter.sim;

import java.util.Locale;

/** DM's task-mode: which units a subtask runs. */
public enum TaskMode {
  ALL,
  FULL,
  INCREMENTAL;

  /** Parses DM's spelling ({@code all}, {@code full}, {@code incremental}). */
  public static TaskMode parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown task mode '" + s + "'; use all, full or incremental");
    }
  }
}
