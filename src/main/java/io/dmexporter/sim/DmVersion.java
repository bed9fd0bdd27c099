package io.dmexporter.sim;

import java.util.Arrays;
import java.util.Locale;

/**
 * The DM release line the simulator emulates: which fields its workers fill and which DM-master
 * methods exist. Each capability names the DM release that introduced it (checked in
 * pingcap/tiflow at the tags v5.3.0, v6.1.0, v6.4.0, v7.5.0, v8.0.0, v8.5.0, v9.0.0-beta.1).
 */
public enum DmVersion {
  V5_3("v5.3", 503),
  V6_1("v6.1", 601),
  V6_4("v6.4", 604),
  V8_5("v8.5", 805),
  V9_0("v9.0", 900);

  /** What {@code simulate} and the Java API emulate when not told otherwise. */
  public static final DmVersion DEFAULT = V8_5;

  private final String label;
  private final int number;

  DmVersion(String label, int number) {
    this.label = label;
    this.number = number;
  }

  /** {@code v5.3}, {@code v6.1}, {@code v6.4}, {@code v8.5} or {@code v9.0}. */
  public String label() {
    return label;
  }

  private boolean since(int major, int minor) {
    return number >= major * 100 + minor;
  }

  /** DumpStatus totalTables … estimateTotalRows (v5.4); before, DumpStatus is an empty message. */
  public boolean dumpCounters() {
    return since(5, 4);
  }

  /** DumpStatus.bps and .progress, LoadStatus.bps (v6.4). */
  public boolean fullDataBps() {
    return since(6, 4);
  }

  /** SyncStatus.totalRows/totalRps/recentRps beside totalEvents/totalTps/recentTps (v6.4). */
  public boolean rowCounters() {
    return since(6, 4);
  }

  /** SyncStatus.blockDDLOwner and conflictMsg (v6.0); v5.3 pauses the subtask on a conflict instead. */
  public boolean optimisticConflictStatus() {
    return since(6, 0);
  }

  /** SubTaskStatus.validation (v6.2). */
  public boolean validation() {
    return since(6, 2);
  }

  /** ValidationStatus.cutoverBinlogPos/cutoverBinlogGtid (v7.5). */
  public boolean validationCutover() {
    return since(7, 5);
  }

  /** Task modes {@code dump} and {@code load&sync} (v7.5). */
  public boolean dumpAndLoadSyncModes() {
    return since(7, 5);
  }

  /** The subtask config key {@code strict-optimistic-shard-mode} (v7.5). */
  public boolean strictOptimisticShardMode() {
    return since(7, 5);
  }

  /** DM-master's "source not bound" placeholders in QueryStatus (v6.0). */
  public boolean placeholders() {
    return since(6, 0);
  }

  /** ShowDDLLocks names the owner and DDLs of an optimistic lock (v6.0). */
  public boolean optimisticLockOwner() {
    return since(6, 0);
  }

  /** {@code pb.Master/ListTaskConfigs} (v8.0). */
  public boolean listTaskConfigs() {
    return since(8, 0);
  }

  /** SyncStatus.ioTotalBytes and dumpIOTotalBytes (v9.0.0-beta; in no v8.5.x). */
  public boolean ioBytes() {
    return since(9, 0);
  }

  /** Parses {@code v5.3}, {@code 6.1}, {@code v9}, {@code V9.0} …; one clear message otherwise. */
  public static DmVersion parse(String text) {
    String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    s = s.startsWith("v") ? s.substring(1) : s;
    s = s.equals("9") ? "9.0" : s;
    for (DmVersion v : values()) {
      if (v.label.substring(1).equals(s)) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown DM version '" + text + "'; use one of "
        + Arrays.stream(values()).map(DmVersion::label).toList());
  }

  @Override
  public String toString() {
    return label;
  }
}
