package io.dmexporter.model;

/**
 * The continuous data validator of a subtask (DM v6.2 and later, when the task enables it). Row
 * counts are null when DM's status string is empty or malformed.
 */
public record Validation(
    Stage stage,
    String mode,
    ProcessResult result,
    RowCounts processedRows,
    RowCounts pendingRows,
    ErrorRowCounts errorRows,
    String validatorBinlog,
    String cutoverBinlogPosition) {

  /** Rows by operation, from {@code "insert/update/delete: 1/2/3"}. */
  public record RowCounts(long insert, long update, long delete) {}

  /** Error rows by state, from {@code "new/ignored/resolved: 1/2/3"}. */
  public record ErrorRowCounts(long newRows, long ignored, long resolved) {}
}
