package io.dmexporter.metrics;

import static io.dmexporter.metrics.Families.counter;
import static io.dmexporter.metrics.Families.gauge;

import io.dmexporter.metrics.Families.Family;
import io.dmexporter.model.BinlogPosition;
import io.dmexporter.model.ErrorReason;
import io.dmexporter.model.MasterMember;
import io.dmexporter.model.Membership;
import io.dmexporter.model.ProcessError;
import io.dmexporter.model.Relay;
import io.dmexporter.model.Snapshot;
import io.dmexporter.model.Source;
import io.dmexporter.model.Stage;
import io.dmexporter.model.Subtask;
import io.dmexporter.model.SyncStatus;
import io.dmexporter.model.Task;
import io.dmexporter.model.TaskStatus;
import io.dmexporter.model.Unit;
import io.dmexporter.model.Validation;
import io.dmexporter.model.WorkerMember;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Renders the DM part of the latest {@link Snapshot} (tasks, subtasks, sources, cluster). It keeps
 * no state: what left DM is simply absent. When no cycle has reached DM for
 * {@code staleAfter}, it renders nothing, so nothing stale is served as current.
 */
public final class DmCollector implements MultiCollector {
  static final Family TASK_STATUS = gauge("dm_task_status", "Task status as query-status derives it, one-hot by status");
  static final Family TASK_ERROR_REASON = gauge("dm_task_error_reason", "1 where this reason makes the task Error now, else 0");
  static final Family TASK_SUBTASKS = gauge("dm_task_subtasks", "Number of subtasks (sources) of the task read this cycle");
  static final Family TASK_SUBTASKS_UNKNOWN = gauge("dm_task_subtasks_unknown",
      "Number of the task's subtasks DM knows of whose status could not be read (worker offline, unbound, unreachable or result=false)");

  static final Family SUBTASK_STAGE = gauge("dm_subtask_stage", "Subtask stage, one-hot by stage");
  static final Family SUBTASK_UNIT = gauge("dm_subtask_unit", "Subtask processing unit, one-hot by unit");
  static final Family SUBTASK_ERRORS = gauge("dm_subtask_errors", "Number of errors in the subtask unit's result");
  static final Family SUBTASK_ERROR_INFO = gauge("dm_subtask_error_info", "1 for each distinct code, class, scope and level among the subtask's errors");
  static final Family SUBTASK_DDL_LOCK = gauge("dm_subtask_unresolved_ddl_lock", "1 when the subtask has an unresolved sharding DDL lock");
  static final Family DUMP_TOTAL_TABLES = gauge("dm_subtask_dump_total_tables", "Tables to dump");
  static final Family DUMP_COMPLETED_TABLES = gauge("dm_subtask_dump_completed_tables", "Tables dumped");
  static final Family DUMP_FINISHED_BYTES = gauge("dm_subtask_dump_finished_bytes", "Bytes dumped");
  static final Family DUMP_FINISHED_ROWS = gauge("dm_subtask_dump_finished_rows", "Rows dumped");
  static final Family DUMP_ESTIMATED_ROWS = gauge("dm_subtask_dump_estimated_total_rows", "Estimated rows to dump");
  static final Family DUMP_PROGRESS = gauge("dm_subtask_dump_progress_ratio", "Dump progress, 0 to 1");
  static final Family DUMP_BPS = gauge("dm_subtask_dump_bytes_per_second", "Dump speed in bytes per second");
  static final Family LOAD_FINISHED_BYTES = gauge("dm_subtask_load_finished_bytes", "Bytes loaded");
  static final Family LOAD_TOTAL_BYTES = gauge("dm_subtask_load_total_bytes", "Bytes to load");
  static final Family LOAD_PROGRESS = gauge("dm_subtask_load_progress_ratio", "Load progress, 0 to 1");
  static final Family LOAD_BPS = gauge("dm_subtask_load_bytes_per_second", "Load speed in bytes per second");
  static final Family SYNC_ROWS = counter("dm_subtask_sync_rows", "Rows replicated by the Sync unit (totalRows, or totalEvents before DM v6.0)");
  static final Family SYNC_RPS = gauge("dm_subtask_sync_rows_per_second", "Rows replicated in the last second (recentRps)");
  static final Family SYNC_AVG_RPS = gauge("dm_subtask_sync_average_rows_per_second", "Average rows replicated per second (totalRps)");
  static final Family SYNC_SYNCED = gauge("dm_subtask_sync_synced", "1 when the Sync unit has caught up with the upstream");
  static final Family SYNC_BEHIND = gauge("dm_subtask_sync_seconds_behind_master", "Replication lag of the Sync unit in seconds");
  static final Family SYNC_BLOCKING_DDLS = gauge("dm_subtask_sync_blocking_ddls", "Number of sharding DDLs blocking the Sync unit");
  static final Family SYNC_UNRESOLVED_GROUPS = gauge("dm_subtask_sync_unresolved_groups", "Number of unresolved sharding groups");
  static final Family SYNC_BINLOG_FILE = gauge("dm_subtask_sync_binlog_file", "Binlog file index of the upstream master and of the syncer");
  static final Family SYNC_BINLOG_POS = gauge("dm_subtask_sync_binlog_pos", "Binlog offset of the upstream master and of the syncer");
  static final Family SYNC_IO_BYTES = counter("dm_subtask_sync_io_bytes", "Bytes the Sync unit moved, downstream (ioTotalBytes) and upstream (dumpIOTotalBytes); only from DM versions that report them");
  static final Family SYNC_SHARD_DDL_CONFLICT = gauge("dm_subtask_sync_shard_ddl_conflict", "1 when the Sync unit reports an optimistic-mode shard DDL conflict (conflictMsg), else 0");
  static final Family VALIDATION_STAGE = gauge("dm_subtask_validation_stage", "Stage of the subtask's data validator, one-hot by stage");
  static final Family VALIDATION_ROWS = gauge("dm_subtask_validation_rows", "Rows the validator has processed or has pending, by operation");
  static final Family VALIDATION_ERROR_ROWS = gauge("dm_subtask_validation_error_rows", "Rows the validator found different downstream, by state (new, ignored, resolved)");
  static final Family VALIDATION_ERRORS = gauge("dm_subtask_validation_errors", "Number of errors in the validator's result");

  static final Family SOURCE_UP = gauge("dm_source_up", "1 when the last cycle read this source's status, 0 when the query for it failed");
  static final Family RELAY_STAGE = gauge("dm_source_relay_stage", "Relay stage of the source, one-hot by stage; absent when relay is disabled");
  static final Family RELAY_ERRORS = gauge("dm_source_relay_errors", "Number of errors in the relay result");
  static final Family RELAY_CATCH_UP = gauge("dm_source_relay_catch_up_master", "1 when the relay has caught up with the upstream master");
  static final Family RELAY_BINLOG_FILE = gauge("dm_source_relay_binlog_file", "Binlog file index of the upstream master and of the relay");
  static final Family RELAY_BINLOG_POS = gauge("dm_source_relay_binlog_pos", "Binlog offset of the upstream master and of the relay");
  static final Family SOURCE_ERRORS = gauge("dm_source_errors", "Number of errors in the source's result");

  static final Family WORKER_STAGE = gauge("dm_cluster_worker_stage", "DM-worker stage from DM-master's member list, one-hot by stage");
  static final Family WORKER_INFO = gauge("dm_cluster_worker_info", "1 for each DM-worker with its address and bound source (empty when bound to none)");
  static final Family MASTER_ALIVE = gauge("dm_cluster_master_alive", "1 when DM-master lists this master as alive");
  static final Family MASTER_LEADER = gauge("dm_cluster_master_leader", "1 on the DM-master leader");

  static final List<Family> ALL = List.of(TASK_STATUS, TASK_ERROR_REASON, TASK_SUBTASKS, TASK_SUBTASKS_UNKNOWN,
      SUBTASK_STAGE, SUBTASK_UNIT, SUBTASK_ERRORS, SUBTASK_ERROR_INFO, SUBTASK_DDL_LOCK, DUMP_TOTAL_TABLES,
      DUMP_COMPLETED_TABLES, DUMP_FINISHED_BYTES, DUMP_FINISHED_ROWS, DUMP_ESTIMATED_ROWS, DUMP_PROGRESS, DUMP_BPS,
      LOAD_FINISHED_BYTES, LOAD_TOTAL_BYTES, LOAD_PROGRESS, LOAD_BPS, SYNC_ROWS, SYNC_RPS, SYNC_AVG_RPS, SYNC_SYNCED,
      SYNC_BEHIND, SYNC_BLOCKING_DDLS, SYNC_UNRESOLVED_GROUPS, SYNC_BINLOG_FILE, SYNC_BINLOG_POS, SYNC_IO_BYTES,
      SYNC_SHARD_DDL_CONFLICT, VALIDATION_STAGE, VALIDATION_ROWS, VALIDATION_ERROR_ROWS, VALIDATION_ERRORS, SOURCE_UP,
      RELAY_STAGE, RELAY_ERRORS, RELAY_CATCH_UP, RELAY_BINLOG_FILE, RELAY_BINLOG_POS, SOURCE_ERRORS, WORKER_STAGE,
      WORKER_INFO, MASTER_ALIVE, MASTER_LEADER);

  static final List<String> TASK_STATUSES = names(TaskStatus.values(), TaskStatus::dmName);
  static final List<String> SUBTASK_STAGES = names(Stage.values(), Stage::dmName);
  static final List<String> UNITS = names(Unit.values(), Unit::dmName);
  static final List<String> RELAY_STAGES = List.of("New", "Running", "Paused", "Stopped", "Finished");
  static final List<String> WORKER_STAGES = List.of("offline", "free", "bound", "relay");
  static final List<String> REASONS = names(ErrorReason.values(), ErrorReason::label);
  static final List<String> VALIDATION_STAGES = List.of("Running", "Stopped");

  private final Supplier<Snapshot> snapshots;
  private final Clock clock;
  private final Duration staleAfter;

  public DmCollector(Supplier<Snapshot> snapshots, Clock clock, Duration staleAfter) {
    this.snapshots = snapshots;
    this.clock = clock;
    this.staleAfter = staleAfter;
  }

  @Override
  public MetricSnapshots collect() {
    Snapshot s = snapshots.get();
    return servable(s) ? render(s, name -> true) : new MetricSnapshots();
  }

  /** Whether {@code s}'s DM families may be served now: false when no cycle has reached DM for {@code staleAfter}. */
  public boolean servable(Snapshot s) {
    return !s.staleAt(clock.instant(), staleAfter);
  }

  /** The DM families of {@code s} whose name {@code include} accepts (counters by their name without _total). */
  public static MetricSnapshots render(Snapshot s, Predicate<String> include) {
    Families f = new Families(include);
    s.tasks().forEach(t -> task(f, t));
    s.subtasks().forEach(st -> subtask(f, st));
    s.sources().forEach(src -> source(f, src));
    if (s.membership() != null) {
      membership(f, s.membership());
    }
    return new MetricSnapshots(f.build());
  }

  @Override
  public List<String> getPrometheusNames() {
    return ALL.stream().map(Family::name).toList();
  }

  private static void task(Families f, Task t) {
    f.add(TASK_SUBTASKS_UNKNOWN, t.unknownSubtasks(), "task", t.name());
    if (t.status() == null) {
      return; // none of its subtasks could be read: nothing but the unknown count is current
    }
    f.addOneHot(TASK_STATUS, "status", TASK_STATUSES, t.status().dmName(), "task", t.name());
    for (ErrorReason r : ErrorReason.values()) {
      f.add(TASK_ERROR_REASON, t.errorReasons().contains(r) ? 1 : 0, "task", t.name(), "reason", r.label());
    }
    f.add(TASK_SUBTASKS, t.subtasks(), "task", t.name());
  }

  private static void subtask(Families f, Subtask s) {
    String[] l = {"source_id", s.sourceId(), "task", s.task(), "worker", s.worker()};
    if (s.stage() != null) {
      f.addOneHot(SUBTASK_STAGE, "stage", SUBTASK_STAGES, s.stage().dmName(), l);
    }
    if (s.unit() != null) {
      f.addOneHot(SUBTASK_UNIT, "unit", UNITS, s.unit().dmName(), l);
    }
    f.add(SUBTASK_ERRORS, s.result().errors().size(), l);
    Set<List<String>> kinds = new LinkedHashSet<>();
    for (ProcessError e : s.result().errors()) {
      kinds.add(List.of(Integer.toString(e.code()), e.errClass(), e.scope(), e.level()));
    }
    kinds.forEach(k -> f.add(SUBTASK_ERROR_INFO, 1,
        with(l, "class", k.get(1), "code", k.get(0), "level", k.get(3), "scope", k.get(2))));
    f.add(SUBTASK_DDL_LOCK, s.unresolvedDdlLockId().isEmpty() ? 0 : 1, l);
    if (s.dump() != null) {
      var d = s.dump();
      optional(f, DUMP_TOTAL_TABLES, d.totalTables(), l);
      optional(f, DUMP_COMPLETED_TABLES, d.completedTables(), l);
      optional(f, DUMP_FINISHED_BYTES, d.finishedBytes(), l);
      optional(f, DUMP_FINISHED_ROWS, d.finishedRows(), l);
      optional(f, DUMP_ESTIMATED_ROWS, d.estimatedTotalRows(), l);
      optional(f, DUMP_PROGRESS, d.progressRatio(), l);
      optional(f, DUMP_BPS, d.bytesPerSecond(), l);
    }
    if (s.load() != null) {
      var d = s.load();
      optional(f, LOAD_FINISHED_BYTES, d.finishedBytes(), l);
      optional(f, LOAD_TOTAL_BYTES, d.totalBytes(), l);
      optional(f, LOAD_PROGRESS, d.progressRatio(), l);
      optional(f, LOAD_BPS, d.bytesPerSecond(), l);
    }
    if (s.sync() != null) {
      sync(f, s.sync(), l);
    }
    if (s.validation() != null) {
      validation(f, s.validation(), l);
    }
  }

  private static void sync(Families f, SyncStatus y, String[] l) {
    optional(f, SYNC_ROWS, y.totalRows(), l);
    optional(f, SYNC_RPS, y.recentRowsPerSecond(), l);
    optional(f, SYNC_AVG_RPS, y.totalRowsPerSecond(), l);
    f.add(SYNC_SYNCED, y.synced() ? 1 : 0, l);
    optional(f, SYNC_BEHIND, y.secondsBehindMaster(), l);
    f.add(SYNC_BLOCKING_DDLS, y.blockingDdls().size(), l);
    f.add(SYNC_UNRESOLVED_GROUPS, y.unresolvedGroups().size(), l);
    f.add(SYNC_SHARD_DDL_CONFLICT, y.shardDdlConflict() ? 1 : 0, l);
    position(f, SYNC_BINLOG_FILE, SYNC_BINLOG_POS, "master", y.masterPosition(), l);
    position(f, SYNC_BINLOG_FILE, SYNC_BINLOG_POS, "syncer", y.syncerPosition(), l);
    optional(f, SYNC_IO_BYTES, y.ioTotalBytes(), with(l, "direction", "downstream"));
    optional(f, SYNC_IO_BYTES, y.dumpIoTotalBytes(), with(l, "direction", "upstream"));
  }

  private static void validation(Families f, Validation v, String[] l) {
    if (v.stage() != null && VALIDATION_STAGES.contains(v.stage().dmName())) {
      f.addOneHot(VALIDATION_STAGE, "stage", VALIDATION_STAGES, v.stage().dmName(), l);
    }
    rows(f, "processed", v.processedRows(), l);
    rows(f, "pending", v.pendingRows(), l);
    Validation.ErrorRowCounts e = v.errorRows();
    if (e != null) {
      f.add(VALIDATION_ERROR_ROWS, e.newRows(), with(l, "state", "new"));
      f.add(VALIDATION_ERROR_ROWS, e.ignored(), with(l, "state", "ignored"));
      f.add(VALIDATION_ERROR_ROWS, e.resolved(), with(l, "state", "resolved"));
    }
    f.add(VALIDATION_ERRORS, v.result().errors().size(), l);
  }

  private static void rows(Families f, String state, Validation.RowCounts r, String[] l) {
    if (r != null) {
      f.add(VALIDATION_ROWS, r.insert(), with(l, "op", "insert", "state", state));
      f.add(VALIDATION_ROWS, r.update(), with(l, "op", "update", "state", state));
      f.add(VALIDATION_ROWS, r.delete(), with(l, "op", "delete", "state", state));
    }
  }

  private static void source(Families f, Source s) {
    String[] l = {"source_id", s.sourceId(), "worker", s.worker()};
    f.add(SOURCE_UP, s.up() ? 1 : 0, l);
    if (!s.up()) {
      return;
    }
    f.add(SOURCE_ERRORS, s.result().errors().size(), l);
    Relay r = s.relay();
    if (r == null) {
      return;
    }
    if (r.stage() != null && RELAY_STAGES.contains(r.stage().dmName())) {
      f.addOneHot(RELAY_STAGE, "stage", RELAY_STAGES, r.stage().dmName(), l);
    }
    f.add(RELAY_ERRORS, r.result().errors().size(), l);
    f.add(RELAY_CATCH_UP, r.catchUpMaster() ? 1 : 0, l);
    position(f, RELAY_BINLOG_FILE, RELAY_BINLOG_POS, "master", r.masterPosition(), l);
    position(f, RELAY_BINLOG_FILE, RELAY_BINLOG_POS, "relay", r.relayPosition(), l);
  }

  private static void membership(Families f, Membership m) {
    for (WorkerMember w : m.workers()) {
      if (WORKER_STAGES.contains(w.stage())) {
        f.addOneHot(WORKER_STAGE, "stage", WORKER_STAGES, w.stage(), "worker", w.name());
      }
      f.add(WORKER_INFO, 1, "address", w.address(), "source_id", w.sourceId(), "worker", w.name());
    }
    for (MasterMember mm : m.masters()) {
      f.add(MASTER_ALIVE, mm.alive() ? 1 : 0, "master", mm.name());
      f.add(MASTER_LEADER, mm.leader() ? 1 : 0, "master", mm.name());
    }
  }

  private static void position(Families f, Family file, Family pos, String node, BinlogPosition p, String[] l) {
    if (p != null) {
      f.add(file, p.fileIndex(), with(l, "node", node));
      f.add(pos, p.offset(), with(l, "node", node));
    }
  }

  private static void optional(Families f, Family family, Number value, String[] l) {
    if (value != null) {
      f.add(family, value.doubleValue(), l);
    }
  }

  private static String[] with(String[] labels, String... more) {
    return Stream.concat(Arrays.stream(labels), Arrays.stream(more)).toArray(String[]::new);
  }

  private static <E> List<String> names(E[] values, java.util.function.Function<E, String> name) {
    return Arrays.stream(values).map(name).toList();
  }
}
