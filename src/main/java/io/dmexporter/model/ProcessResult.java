package io.dmexporter.model;

import java.util.List;

/** The result of a unit or relay: its errors and whether it was cancelled (manual pause). */
public record ProcessResult(boolean canceled, List<ProcessError> errors) {
  /** No result reported. */
  public static final ProcessResult NONE = new ProcessResult(false, List.of());

  public ProcessResult {
    errors = List.copyOf(errors);
  }

  public boolean hasErrors() {
    return !errors.isEmpty();
  }
}
