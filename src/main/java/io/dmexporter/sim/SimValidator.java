package io.dmexporter.sim;

import io.dmexporter.dm.pb.ProcessError;
import io.dmexporter.dm.pb.ProcessResult;
import io.dmexporter.dm.pb.Stage;
import io.dmexporter.dm.pb.ValidationStatus;

/**
 * The continuous data validator of one subtask ({@code syncer/data_validator.go}): it re-reads
 * the rows the syncer wrote and compares them with the downstream. Its status strings are built
 * exactly as {@code GetValidatorStatus} builds them.
 */
final class SimValidator {
  private static final double INSERT_SHARE = 0.7;
  private static final double UPDATE_SHARE = 0.25;

  final ValidationMode mode;
  Stage stage = Stage.Running;
  ProcessError error;
  boolean canceled;
  long newErrors;
  long ignoredErrors;
  long resolvedErrors;
  String cutoverPos = "";
  String cutoverGtid = "";
  /** Rows the syncer had written when the validator started. */
  private final double rowsAtStart;
  /** Processed rows and position when it stopped (it does not move while Stopped). */
  private double frozenRows = Double.NaN;
  private double frozenOffset;

  SimValidator(ValidationMode mode, double rowsAtStart) {
    this.mode = mode;
    this.rowsAtStart = rowsAtStart;
  }

  /** stop-validation, or a fatal error (then {@code error} is set and the result is not canceled). */
  void stop(double rows, double offset, ProcessError failure) {
    if (stage == Stage.Stopped) {
      return;
    }
    frozenRows = rows;
    frozenOffset = offset;
    stage = Stage.Stopped;
    error = failure;
    canceled = failure == null;
  }

  /**
   * The wire form. {@code rows} and {@code offset}: what the syncer has written; {@code pending}:
   * rows the validator has read but not yet compared.
   */
  ValidationStatus toProto(String task, String source, Upstream up, double rows, double offset, double pending,
      boolean withCutover) {
    boolean running = stage == Stage.Running;
    double processed = Math.max(0, (running ? rows : frozenRows) - rowsAtStart - (running ? pending : 0));
    double at = running ? Math.max(0, offset - pending * up.bytesPerRow()) : frozenOffset;
    ValidationStatus.Builder b = ValidationStatus.newBuilder()
        .setTask(task).setSource(source).setMode(mode.dmName()).setStage(stage)
        .setValidatorBinlog(up.position(at)).setValidatorBinlogGtid(up.gtid(at))
        .setProcessedRowsStatus(rowCounts(processed))
        .setPendingRowsStatus(rowCounts(running ? pending : 0))
        .setErrorRowsStatus(String.format("new/ignored/resolved: %d/%d/%d", newErrors, ignoredErrors, resolvedErrors));
    if (error != null || canceled) {
      ProcessResult.Builder r = ProcessResult.newBuilder().setIsCanceled(canceled);
      if (error != null) {
        r.addErrors(error);
      }
      b.setResult(r);
    }
    if (withCutover) {
      b.setCutoverBinlogPos(cutoverPos).setCutoverBinlogGtid(cutoverGtid);
    }
    return b.build();
  }

  /** {@code "insert/update/delete: %d/%d/%d"} for a number of rows. */
  private static String rowCounts(double rows) {
    long total = (long) Math.floor(rows);
    long inserts = (long) Math.floor(total * INSERT_SHARE);
    long updates = (long) Math.floor(total * UPDATE_SHARE);
    return String.format("insert/update/delete: %d/%d/%d", inserts, updates, total - inserts - updates);
  }
}
