package io.dmexporter.sim;

import io.dmexporter.dm.pb.ProcessError;

/**
 * One entry of DM's error list ({@code dm/pkg/terror/error_list.go}): the code is counted within
 * its iota block, class, scope and level are the ones the list declares. {@link #text} formats it
 * the way {@code terror.Error.Error()} does, which is what DM puts in {@code msg} fields.
 */
record DmError(int code, String errClass, String scope, String level, String message, String workaround) {
  static final DmError DB_BAD_CONN = new DmError(10002, "database", "not-set", "high", "database driver",
      "Please check the database connection, then use `pause-task` to pause the task and then use "
          + "`resume-task` to resume the task.");
  static final DmError DB_EXECUTE_FAILED = new DmError(10006, "database", "not-set", "high",
      "execute statement failed: %s", "");
  static final DmError SHARD_DDL_OPTIMISM_TRY_SYNC_FAIL = new DmError(11111, "functional", "internal", "medium",
      "fail to try sync the optimistic shard ddl lock %s: %s", "Please use `show-ddl-locks` command for more details.");
  static final DmError RELAY_UUID_SUFFIX_NOT_VALID = new DmError(30001, "relay-unit", "internal", "high",
      "UUID %s suffix %d should be 1 larger than previous suffix %d", "");
  static final DmError RELAY_TCP_READER_GET_EVENT = new DmError(30015, "relay-unit", "upstream", "high",
      "TCPReader get relay event with error", "");
  static final DmError DUMP_UNIT_RUNTIME = new DmError(32001, "dump-unit", "internal", "high",
      "mydumper/dumpling runs with error, with output (may empty): %s", "");
  static final DmError SYNCER_SHARD_DDL_CONFLICT = new DmError(36062, "sync-unit", "internal", "high",
      "fail to handle shard ddl %v in optimistic mode, because schema conflict detected, conflict error: %s",
      "Please use show-ddl-locks command for more details.");
  static final DmError SYNCER_GET_EVENT = new DmError(36069, "sync-unit", "upstream", "high",
      "get binlog event error: %v", "Please check if the binlog file could be parsed by `mysqlbinlog`.");
  static final DmError MASTER_GRPC_REQUEST_ERROR = new DmError(38008, "dm-master", "internal", "high",
      "grpc request error", "");
  static final DmError MASTER_WORKER_ARGS_EXTRACTOR = new DmError(38029, "dm-master", "internal", "high", "",
      "Please use list-member command to see if the some workers are offline.");
  static final DmError MASTER_INVALID_OPERATE_OP = new DmError(38041, "dm-master", "internal", "medium",
      "invalid op %s on %s", "");
  static final DmError MASTER_NOT_LEADER = new DmError(38043, "dm-master", "internal", "high",
      "master is not leader, and can't forward request to leader", "");
  static final DmError MASTER_FAIL_TO_GET_EXPECT_RESULT = new DmError(38045, "dm-master", "internal", "medium",
      "fail to get expected result", "");
  static final DmError WORKER_NO_START = new DmError(40070, "dm-worker", "internal", "high",
      "no mysql source is being handled in the worker", "");
  static final DmError VALIDATOR_GET_EVENT = new DmError(43003, "validator", "internal", "high",
      "failed to get event", "");

  /** The same error with the scope {@code terror.WithScope} gave it where it was raised. */
  DmError withScope(String newScope) {
    return new DmError(code, errClass, newScope, level, message, workaround);
  }

  /** {@code [code=…:class=…:scope=…:level=…], Message: …, RawCause: …, Workaround: …}. */
  String text(String formattedMessage, String rawCause) {
    StringBuilder b = new StringBuilder(String.format("[code=%d:class=%s:scope=%s:level=%s]", code, errClass, scope, level));
    String rest = formattedMessage.isEmpty() ? "" : "Message: " + formattedMessage;
    if (!rawCause.isEmpty()) {
      rest += (rest.isEmpty() ? "" : ", ") + "RawCause: " + rawCause;
    }
    if (!rest.isEmpty()) {
      b.append(", ").append(rest);
    }
    if (!workaround.isEmpty()) {
      b.append(", Workaround: ").append(workaround);
    }
    return b.toString();
  }

  /** The error's text with its own message and no cause ({@code terror.ErrX.Error()}). */
  String text() {
    return text(message, "");
  }

  /** What {@code unit.NewProcessError} makes of this error. */
  ProcessError toProto(String formattedMessage, String rawCause) {
    return ProcessError.newBuilder().setErrCode(code).setErrClass(errClass).setErrScope(scope).setErrLevel(level)
        .setMessage(formattedMessage).setRawCause(rawCause).setWorkaround(workaround).build();
  }
}
