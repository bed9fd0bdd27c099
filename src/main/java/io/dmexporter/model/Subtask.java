package io.dmexporter.model;

/**
 * One task's subtask on one source, as its worker reports it. {@code stage} and {@code unit} are
 * null when DM reports its invalid value; at most one of dump/load/sync is set, matching the unit.
 */
public record Subtask(
    String task,
    String sourceId,
    String worker,
    Stage stage,
    Unit unit,
    ProcessResult result,
    String unresolvedDdlLockId,
    DumpStatus dump,
    LoadStatus load,
    SyncStatus sync) {

  /** Paused with errors in its result: DM's "Error - Some error occurred in subtask". */
  public boolean pausedWithError() {
    return stage == Stage.PAUSED && result.hasErrors();
  }
}
