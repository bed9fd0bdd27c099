package io.dmexporter.sim;

import io.dmexporter.dm.pb.ProcessError;
import io.dmexporter.dm.pb.UnitType;
import java.util.Locale;

/** A catalogue of realistic DM ProcessErrors the simulator can raise, with whether DM's task checker auto-resumes them. */
public enum ErrorKind {
  DUPLICATE_ENTRY(10006, "database", "downstream", "high", false,
      "execute statement failed: INSERT INTO `test`.`t1` (`id`,`name`,`age`) VALUES (?,?,?)",
      "Error 1062: Duplicate entry '1155173304420532225' for key 'PRIMARY'",
      "Please check the data in the downstream, remove the conflicting rows and resume the task."),
  BAD_CONNECTION(10001, "database", "downstream", "high", true,
      "database driver error",
      "driver: bad connection",
      "Please check the database connection and the network between DM-worker and the downstream."),
  DUMP_ACCESS_DENIED(32001, "dump-unit", "upstream", "high", false,
      "mydumper/dumpling runs with error",
      "Error 1045: Access denied for user 'dm'@'172.16.5.34' (using password: YES)",
      "Please grant the dump user the privileges SELECT, RELOAD, LOCK TABLES and REPLICATION CLIENT."),
  CHECK_PRIVILEGE(26005, "check-unit", "upstream", "medium", false,
      "fail to check synchronization configuration with type: replication privilege",
      "line 1 column 285 near \"REPLICATION SLAVE\": lack of REPLICATION SLAVE privilege",
      "Please grant REPLICATION SLAVE and REPLICATION CLIENT to the migration user."),
  RELAY_READ(30031, "relay-unit", "upstream", "high", false,
      "binlog reader read event failed",
      "ERROR 1236 (HY000): Could not find first log file name in binary log index file",
      "Please check whether the upstream purged the binlog the relay needs, then resume the relay.");

  private final int code;
  private final String errClass;
  private final String scope;
  private final String level;
  private final boolean resumable;
  private final String message;
  private final String rawCause;
  private final String workaround;

  ErrorKind(int code, String errClass, String scope, String level, boolean resumable,
      String message, String rawCause, String workaround) {
    this.code = code;
    this.errClass = errClass;
    this.scope = scope;
    this.level = level;
    this.resumable = resumable;
    this.message = message;
    this.rawCause = rawCause;
    this.workaround = workaround;
  }

  /** Whether DM's task checker would auto-resume a subtask paused by this error. */
  public boolean resumable() {
    return resumable;
  }

  public int code() {
    return code;
  }

  /** The wire form of this error. */
  public ProcessError toProto() {
    return ProcessError.newBuilder()
        .setErrCode(code).setErrClass(errClass).setErrScope(scope).setErrLevel(level)
        .setMessage(message).setRawCause(rawCause).setWorkaround(workaround)
        .build();
  }

  /** The snake_case name used on the HTTP API. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the HTTP API's snake_case name. */
  public static ErrorKind parse(String id) {
    for (ErrorKind k : values()) {
      if (k.id().equals(id)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown error kind '" + id + "'; use one of "
        + java.util.Arrays.stream(values()).map(ErrorKind::id).toList());
  }

  /** The error a subtask in {@code unit} typically hits. */
  public static ErrorKind typicalFor(UnitType unit) {
    return switch (unit) {
      case Check -> CHECK_PRIVILEGE;
      case Dump -> DUMP_ACCESS_DENIED;
      case Load -> DUPLICATE_ENTRY;
      default -> BAD_CONNECTION;
    };
  }
}
