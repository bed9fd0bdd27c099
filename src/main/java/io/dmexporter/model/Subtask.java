package io.dmexporter.model;

/**
 * One task's subtask on one source, as its worker reports it. {@code stage} and {@code unit} are
 * null when DM reports its invalid value; at most one of dump/load/sync is set, matching the unit
 * (none when DM reported the unit's status empty, as DM before v5.4 does for Dump).
 * {@code validation} is null unless the task runs DM's validator.
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
    SyncStatus sync,
    Validation validation) {

  /** Paused with errors in its result: DM's "Error - Some error occurred in subtask". */
  public boolean pausedWithError() {
    return stage == Stage.PAUSED && result.hasErrors();
  }

  /** The same subtask with other unit statuses (used to drop fields DM does not report). */
  public Subtask withStatus(LoadStatus load, SyncStatus sync) {
    return new Subtask(task, sourceId, worker, stage, unit, result, unresolvedDdlLockId, dump, load, sync, validation);
  }
}
