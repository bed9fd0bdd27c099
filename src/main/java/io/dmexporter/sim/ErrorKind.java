package io.dmexporter.sim;

import io.dmexporter.dm.pb.ProcessError;
import io.dmexporter.dm.pb.UnitType;
import java.util.Arrays;
import java.util.Locale;

/**
 * A catalogue of realistic DM ProcessErrors the simulator can raise. Code, class and level come
 * from DM's error list ({@link DmError}); the scope is the one DM gives the error where it is
 * raised and the message is the list's format filled in. Whether DM's task checker auto-resumes
 * it is decided the way DM decides it ({@link Resumability}), from the code and the raw cause.
 */
public enum ErrorKind {
  /** A duplicate key in the downstream: never auto-resumed ("Error 1062" in the raw cause). */
  DUPLICATE_ENTRY(DmError.DB_EXECUTE_FAILED.withScope("downstream"),
      "execute statement failed: INSERT INTO `test`.`t1` (`id`,`name`,`age`) VALUES (?,?,?)",
      "Error 1062: Duplicate entry '1155173304420532225' for key 'PRIMARY'", false),
  /** The downstream connection broke: auto-resumed. */
  BAD_CONNECTION(DmError.DB_BAD_CONN.withScope("downstream"), "database driver", "driver: bad connection", false),
  /** Dumpling failed: {@code ErrDumpUnitRuntime} is never auto-resumed. */
  DUMP_ACCESS_DENIED(DmError.DUMP_UNIT_RUNTIME, "mydumper/dumpling runs with error, with output (may empty): ",
      "Error 1045 (28000): Access denied for user 'dm'@'172.16.5.34' (using password: YES)", false),
  /** The syncer could not read the binlog from the upstream: auto-resumed. */
  SYNC_GET_EVENT(DmError.SYNCER_GET_EVENT,
      "get binlog event error: ERROR 2013 (HY000): Lost connection to MySQL server during query",
      "ERROR 2013 (HY000): Lost connection to MySQL server during query", false),
  /** The relay cannot read the upstream (purged binlog): relay errors are resumable by code, so auto-resumed. */
  RELAY_READ(DmError.RELAY_TCP_READER_GET_EVENT, "TCPReader get relay event with error",
      "ERROR 1236 (HY000): Could not find first log file name in binary log index file", true),
  /** A broken relay directory: one of the relay codes DM never auto-resumes. */
  RELAY_UUID_SUFFIX(DmError.RELAY_UUID_SUFFIX_NOT_VALID,
      "UUID c0149e17-dff1-11e8-b6a8-0242ac110004.000003 suffix 3 should be 1 larger than previous suffix 1", "", true);

  private final DmError error;
  private final String message;
  private final String rawCause;
  private final boolean relay;

  ErrorKind(DmError error, String message, String rawCause, boolean relay) {
    this.error = error;
    this.message = message;
    this.rawCause = rawCause;
    this.relay = relay;
  }

  /** Whether DM's task checker would auto-resume a subtask (or, for a relay error, a relay) paused by it. */
  public boolean resumable() {
    return relay ? Resumability.relay(toProto()) : Resumability.subtask(toProto());
  }

  /** A relay error (raised by the relay unit) rather than a subtask's. */
  public boolean relayError() {
    return relay;
  }

  public int code() {
    return error.code();
  }

  /** The wire form of this error, as {@code unit.NewProcessError} builds it. */
  public ProcessError toProto() {
    return error.toProto(message, rawCause);
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
        + Arrays.stream(values()).map(ErrorKind::id).toList());
  }

  /** The error a subtask in {@code unit} typically hits. */
  public static ErrorKind typicalFor(UnitType unit) {
    return switch (unit) {
      case Dump -> DUMP_ACCESS_DENIED;
      case Load -> DUPLICATE_ENTRY;
      default -> BAD_CONNECTION;
    };
  }
}
