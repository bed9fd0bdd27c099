package io.dmexporter.sim;

import io.dmexporter.dm.pb.ProcessError;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which errors DM's task checker auto-resumes: {@code unit.IsResumableError} for subtasks and
 * {@code unit.IsResumableRelayError} for relays, with the lists of {@code pkg/retry/errors.go}
 * (DM v8.5).
 */
final class Resumability {
  private static final List<String> UNSUPPORTED_DDL = List.of(
      "can't drop column with index", "with tidb_enable_change_multi_schema is disable",
      "unsupported add column", "unsupported modify column", "unsupported modify charset",
      "unsupported modify collate", "unsupported drop integer primary key", "Unsupported collation",
      "Invalid default value for", "Unsupported drop primary key", "Error 1059", "Error 1117", "Error 1069");
  private static final List<String> UNSUPPORTED_DML = List.of("Error 1062", "Error 1406", "Error 1366", "Error 8025");
  private static final List<String> REPLICATION = List.of(
      "Could not find first log file name in binary log index file",
      "The slave is connecting using CHANGE MASTER TO MASTER_AUTO_POSITION = 1, but the master has purged "
          + "binary logs containing GTIDs that the slave requires");
  private static final int PARSE_RELAY_LOG = 11038;
  private static final List<String> PARSE_RELAY_LOG_MSGS = List.of(
      "binlog checksum mismatch, data may be corrupted", "get event err EOF");
  /** ErrSyncUnitDDLWrongSequence, ErrDumpUnitGlobalLock, ErrDumpUnitRuntime, ErrSyncerUnitDMLColumnNotMatch,
   * ErrSyncerCancelledDDL, ErrLoadLightningHasDup, ErrLoadLightningChecksum. */
  private static final Set<Integer> UNRESUMABLE_CODES = Set.of(36008, 32004, 32001, 36027, 11129, 34020, 34021);
  private static final int LIGHTNING_RUNTIME = 34019;
  /** ErrRelayUUIDSuffixNotValid, ErrRelayUUIDSuffixLessThanPrev, ErrRelayBinlogNameNotValid,
   * ErrRelayNoCurrentUUID, ErrRelayLogDirpathEmpty. */
  private static final Set<Integer> UNRESUMABLE_RELAY_CODES = Set.of(30001, 30002, 30004, 30005, 30008);

  private Resumability() {}

  /** {@code unit.IsResumableError}. */
  static boolean subtask(ProcessError e) {
    String cause = e.getRawCause().toLowerCase(Locale.ROOT);
    for (List<String> list : List.of(UNSUPPORTED_DDL, UNSUPPORTED_DML, REPLICATION)) {
      if (list.stream().anyMatch(m -> cause.contains(m.toLowerCase(Locale.ROOT)))) {
        return false;
      }
    }
    String message = e.getMessage().toLowerCase(Locale.ROOT);
    if (e.getErrCode() == PARSE_RELAY_LOG
        && PARSE_RELAY_LOG_MSGS.stream().anyMatch(m -> message.contains(m.toLowerCase(Locale.ROOT)))) {
      return false;
    }
    if (UNRESUMABLE_CODES.contains(e.getErrCode())) {
      return false;
    }
    return e.getErrCode() != LIGHTNING_RUNTIME || e.getRawCause().contains("doesn't exist");
  }

  /** {@code unit.IsResumableRelayError}: by code only. */
  static boolean relay(ProcessError e) {
    return !UNRESUMABLE_RELAY_CODES.contains(e.getErrCode());
  }
}
