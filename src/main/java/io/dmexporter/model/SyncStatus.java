package io.dmexporter.model;

import java.util.List;

/**
 * State of the Sync unit. Row counters already resolve DM's pre-v6.4 event counters
 * ({@code legacyCounters} says when they were used). A null number is one DM did not report (the
 * I/O byte counters before DM v9) or reported as a value its meaning forbids. Positions are null
 * when DM's string is empty or malformed.
 */
public record SyncStatus(
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
    List<String> blockingDdls,
    List<ShardingGroup> unresolvedGroups,
    boolean synced,
    Long secondsBehindMaster,
    String blockDdlOwner,
    String conflictMessage,
    Long ioTotalBytes,
    Long dumpIoTotalBytes) {
  public SyncStatus {
    blockingDdls = List.copyOf(blockingDdls);
    unresolvedGroups = List.copyOf(unresolvedGroups);
  }

  /** An optimistic-mode shard DDL conflict: DM reports it only as {@code conflictMsg}. */
  public boolean shardDdlConflict() {
    return !conflictMessage.isEmpty();
  }

  /** The same status with the I/O byte counters replaced. */
  public SyncStatus withIoBytes(Long downstream, Long upstream) {
    return new SyncStatus(totalRows, totalRowsPerSecond, recentRowsPerSecond, legacyCounters, masterBinlog,
        masterPosition, masterBinlogGtid, syncerBinlog, syncerPosition, syncerBinlogGtid, blockingDdls,
        unresolvedGroups, synced, secondsBehindMaster, blockDdlOwner, conflictMessage, downstream, upstream);
  }
}
