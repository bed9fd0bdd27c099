package io.dmexporter.model;

import java.util.List;

/**
 * State of the Sync unit. Row counters already resolve DM's pre-v6 event counters
 * ({@code legacyCounters} says when they were used). Positions are null when DM's string is
 * empty or malformed.
 */
public record SyncStatus(
    long totalRows,
    long totalRowsPerSecond,
    long recentRowsPerSecond,
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
    long secondsBehindMaster,
    String blockDdlOwner,
    String conflictMessage,
    long ioTotalBytes,
    long dumpIoTotalBytes) {
  public SyncStatus {
    blockingDdls = List.copyOf(blockingDdls);
    unresolvedGroups = List.copyOf(unresolvedGroups);
  }
}
