package io.dmexporter.sim;

import io.dmexporter.dm.pb.UnitType;
import java.util.Locale;

/** DM's task-mode: which units a subtask runs (a DM-worker runs only Dump, Load and Sync). */
public enum TaskMode {
  /** Dump, Load, then Sync. */
  ALL("all"),
  /** Dump and Load, then Finished. */
  FULL("full"),
  /** Sync only. */
  INCREMENTAL("incremental"),
  /** Dump only, then Finished (DM v7.5 and later). */
  DUMP("dump"),
  /** Load an existing dump, then Sync (DM v7.5 and later). */
  LOAD_SYNC("load&sync");

  private final String dmName;

  TaskMode(String dmName) {
    this.dmName = dmName;
  }

  /** DM's spelling, as in a task file's {@code task-mode}. */
  public String dmName() {
    return dmName;
  }

  /** The unit a subtask of this mode runs first. */
  UnitType firstUnit() {
    return switch (this) {
      case INCREMENTAL -> UnitType.Sync;
      case LOAD_SYNC -> UnitType.Load;
      default -> UnitType.Dump;
    };
  }

  /** The unit after {@code unit}, or null when the subtask is Finished after it. */
  UnitType after(UnitType unit) {
    return switch (unit) {
      case Dump -> this == DUMP ? null : UnitType.Load;
      case Load -> this == FULL ? null : UnitType.Sync;
      default -> null;
    };
  }

  /** Whether DM of {@code version} knows this mode. */
  boolean supportedBy(DmVersion version) {
    return (this != DUMP && this != LOAD_SYNC) || version.dumpAndLoadSyncModes();
  }

  /** Parses DM's spelling ({@code all}, {@code full}, {@code incremental}, {@code dump}, {@code load&sync}). */
  public static TaskMode parse(String s) {
    String t = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    for (TaskMode m : values()) {
      if (m.dmName.equals(t) || m.name().toLowerCase(Locale.ROOT).equals(t)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown task mode '" + s + "'; use all, full, incremental, dump or load&sync");
  }
}
