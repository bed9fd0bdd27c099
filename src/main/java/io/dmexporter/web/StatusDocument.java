package io.dmexporter.web;

import java.util.List;
import java.util.Map;

/**
 * The JSON of {@code /api/v1/status}, a public API: its own types, so that a change to the domain
 * records is a deliberate change here rather than a silent one in the JSON. Enums are DM's names
 * ({@code "Running"}, {@code "Sync"}) or the metrics' label values ({@code "subtask_error"},
 * {@code "timeout"}), times ISO-8601 UTC strings; a null is something DM did not report or the
 * exporter could not read. docs/status-api.md describes every field.
 *
 * @param ready whether a poll cycle has finished yet
 * @param stale whether the last cycle that reached DM is older than {@code staleAfterSeconds}
 *     (or none ever did): the DM data below is then not current
 * @param now the exporter's time when it wrote this document
 * @param lastSuccessAgeSeconds seconds from the last cycle that reached DM to {@code now}; null if
 *     none ever did
 */
public record StatusDocument(
    boolean ready,
    boolean stale,
    String now,
    double pollIntervalSeconds,
    double staleAfterSeconds,
    Double lastSuccessAgeSeconds,
    String version,
    Snapshot snapshot) {

  /**
   * What the last poll cycle learned. Tasks come most urgent first (Error, then those with
   * subtasks that could not be read, Paused, the transitional stages, New, Stopped, Running,
   * Finished; by name within each); subtasks and unknown subtasks by task and source, sources by
   * source id.
   */
  public record Snapshot(
      String time,
      double durationSeconds,
      String lastSuccess,
      List<Task> tasks,
      List<Subtask> subtasks,
      List<UnknownSubtask> unknownSubtasks,
      List<Source> sources,
      Membership membership,
      List<Target> targets) {}

  /**
   * A task: {@code status} is null when none of its subtasks could be read; {@code statusText} is
   * the status as {@code query-status} prints it ({@code Error - Relay status is Paused}).
   */
  public record Task(
      String name, String status, String statusText, List<String> errorReasons, int subtasks, int unknownSubtasks) {}

  /** A subtask as its worker reported it; at most one of dump, load and sync is set. */
  public record Subtask(
      String task,
      String sourceId,
      String worker,
      String stage,
      String unit,
      Result result,
      String unresolvedDdlLockId,
      Dump dump,
      Load load,
      Sync sync,
      Validation validation) {}

  /** A unit's (or relay's, or source's) result: its errors and whether it was cancelled (a manual pause). */
  public record Result(boolean canceled, List<ProcessError> errors) {}

  /** One error as DM reports it; message, raw cause and workaround are DM's free text. */
  public record ProcessError(
      int code, String errClass, String scope, String level, String message, String rawCause, String workaround) {}

  /** The Dump unit's progress; {@code progressRatio} is 0..1 from DM's {@code progress} string. */
  public record Dump(
      Long totalTables,
      Double completedTables,
      Double finishedBytes,
      Double finishedRows,
      Double estimatedTotalRows,
      Long bytesPerSecond,
      String progress,
      Double progressRatio) {}

  /** The Load unit's progress. */
  public record Load(
      Long finishedBytes, Long totalBytes, String progress, Double progressRatio, Long bytesPerSecond, String metaBinlog) {}

  /**
   * The Sync unit. {@code binlogGap} is master − syncer (null when either position is unknown);
   * rows come from DM's pre-v6.4 event counters when {@code legacyCounters}.
   */
  public record Sync(
      Long totalRows,
      Long totalRowsPerSecond,
      Long recentRowsPerSecond,
      boolean legacyCounters,
      String masterBinlog,
      BinlogPosition masterPosition,
      String masterBinlogGtid,
      String syncerBinlog,
      BinlogPosition syncerPosition,
      String syncerBinlogGtid,
      BinlogGap binlogGap,
      List<String> blockingDdls,
      List<ShardingGroup> unresolvedGroups,
      boolean synced,
      Long secondsBehindMaster,
      String blockDdlOwner,
      String conflictMessage,
      Long ioTotalBytes,
      Long dumpIoTotalBytes) {}

  /** A binlog position {@code (bin.000001, 3234)}: file, file index, offset. */
  public record BinlogPosition(String file, long fileIndex, long offset) {}

  /** How far one position trails another: files by index, and bytes when in the same file (else null). */
  public record BinlogGap(long files, Long bytes) {}

  /** A sharding DDL group the Sync unit has not resolved. */
  public record ShardingGroup(
      String target, List<String> ddls, String firstLocation, List<String> synced, List<String> unsynced) {}

  /** DM's continuous validator; row counts are null when DM's string was empty or malformed. */
  public record Validation(
      String stage,
      String mode,
      Result result,
      RowCounts processedRows,
      RowCounts pendingRows,
      ErrorRowCounts errorRows,
      String validatorBinlog,
      String cutoverBinlogPosition) {}

  /** Rows by operation. */
  public record RowCounts(long insert, long update, long delete) {}

  /** Validation error rows by state. */
  public record ErrorRowCounts(long newRows, long ignored, long resolved) {}

  /** A subtask DM knows of whose status could not be read this cycle, and why. */
  public record UnknownSubtask(String task, String sourceId, String worker, String reason) {}

  /**
   * A source: when {@code up} is false its status could not be read ({@code error} says why).
   * {@code relay} is null when relay log is disabled.
   */
  public record Source(String sourceId, String worker, boolean up, String error, Result result, Relay relay) {}

  /** The relay log unit of a source; {@code binlogGap} is master − relay. */
  public record Relay(
      String stage,
      Result result,
      boolean catchUpMaster,
      String masterBinlog,
      BinlogPosition masterPosition,
      String masterBinlogGtid,
      String relayBinlog,
      BinlogPosition relayPosition,
      String relayBinlogGtid,
      String relaySubDir,
      BinlogGap binlogGap) {}

  /** DM-master's member list; null in the snapshot when no DM-master answered. */
  public record Membership(List<Master> masters, List<Worker> workers, String leaderAddress) {}

  /** A DM-master. */
  public record Master(String name, boolean alive, boolean leader, List<String> clientUrls) {}

  /** A DM-worker; stage is offline, free, bound or relay. */
  public record Worker(String name, String address, String stage, String sourceId) {}

  /** One DM endpoint the exporter polls: the last query's outcome and failures so far by reason. */
  public record Target(
      String address,
      String role,
      boolean up,
      double durationSeconds,
      String error,
      String message,
      Map<String, Long> errorCounts) {}
}
