package io.dmexporter.web;

import io.dmexporter.model.BinlogPosition;
import io.dmexporter.model.DumpStatus;
import io.dmexporter.model.LoadStatus;
import io.dmexporter.model.MasterMember;
import io.dmexporter.model.Membership;
import io.dmexporter.model.PollError;
import io.dmexporter.model.ProcessError;
import io.dmexporter.model.ProcessResult;
import io.dmexporter.model.Relay;
import io.dmexporter.model.ShardingGroup;
import io.dmexporter.model.Snapshot;
import io.dmexporter.model.Source;
import io.dmexporter.model.Stage;
import io.dmexporter.model.Subtask;
import io.dmexporter.model.SyncStatus;
import io.dmexporter.model.TargetHealth;
import io.dmexporter.model.TargetRole;
import io.dmexporter.model.Unit;
import io.dmexporter.model.UnknownSubtask;
import io.dmexporter.model.Validation;
import io.dmexporter.model.WorkerMember;
import io.dmexporter.status.TaskStatusRules;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A snapshot in which every field the JSON and the page carry is set: one task with a Dump, a
 * Load paused with an error and a Sync (blocking DDL, sharding group, conflict, validation, a
 * paused relay with errors), one subtask that could not be read, a source that is down, a master,
 * an offline worker and a target that timed out. Every piece of DM's free text is
 * {@code text.apply(field)}, so a test can plant what it likes in each field and find it again.
 */
final class SnapshotFixture {
  static final Instant TIME = Instant.parse("2026-05-04T12:03:04.250Z");

  private SnapshotFixture() {}

  static Snapshot of(UnaryOperator<String> text) {
    String task = text.apply("task");
    String syncSource = text.apply("source.sync");
    String syncWorker = text.apply("worker.sync");
    Subtask dump = new Subtask(task, text.apply("source.dump"), text.apply("worker.dump"), Stage.RUNNING, Unit.DUMP,
        ProcessResult.NONE, "", new DumpStatus(10L, 3.0, 2542.0, 32.0, 563.0, 445L, text.apply("dump.progress"), null),
        null, null, null);
    Subtask load = new Subtask(task, text.apply("source.load"), text.apply("worker.load"), Stage.PAUSED, Unit.LOAD,
        new ProcessResult(false, List.of(error(text, "load.error", 10006))), "",
        null, new LoadStatus(115L, 452L, text.apply("load.progress"), null, 2734L, text.apply("load.metaBinlog")),
        null, null);
    SyncStatus sync = new SyncStatus(12L, 1L, 1L, false,
        text.apply("sync.masterBinlog"), new BinlogPosition("bin.000001", 1, 3234), text.apply("sync.masterBinlogGtid"),
        text.apply("sync.syncerBinlog"), new BinlogPosition("bin.000001", 1, 2525), text.apply("sync.syncerBinlogGtid"),
        List.of(text.apply("sync.blockingDdl")),
        List.of(new ShardingGroup(text.apply("group.target"), List.of(text.apply("group.ddl")),
            text.apply("group.firstLocation"), List.of(text.apply("group.synced")), List.of(text.apply("group.unsynced")))),
        false, 3L, text.apply("sync.blockDdlOwner"), text.apply("sync.conflictMessage"), 4096L, 8192L);
    Validation validation = new Validation(Stage.RUNNING, text.apply("validation.mode"),
        new ProcessResult(false, List.of(error(text, "validation.error", 46001))),
        new Validation.RowCounts(10, 2, 1), new Validation.RowCounts(0, 1, 0), new Validation.ErrorRowCounts(1, 0, 2),
        text.apply("validation.validatorBinlog"), text.apply("validation.cutoverBinlogPosition"));
    Subtask syncing = new Subtask(task, syncSource, syncWorker, Stage.RUNNING, Unit.SYNC, ProcessResult.NONE,
        text.apply("unresolvedDdlLockId"), null, null, sync, validation);
    Relay relay = new Relay(Stage.PAUSED, new ProcessResult(false, List.of(error(text, "relay.error", 30031))), false,
        text.apply("relay.masterBinlog"), new BinlogPosition("bin.000003", 3, 120), text.apply("relay.masterBinlogGtid"),
        text.apply("relay.relayBinlog"), new BinlogPosition("bin.000002", 2, 4), text.apply("relay.relayBinlogGtid"),
        text.apply("relay.relaySubDir"));
    List<Subtask> subtasks = List.of(dump, load, syncing);
    List<UnknownSubtask> unknown = List.of(
        new UnknownSubtask(task, text.apply("unknown.source"), text.apply("unknown.worker"), text.apply("unknown.reason")),
        new UnknownSubtask(text.apply("unreadTask"), text.apply("down.source"), text.apply("down.worker"),
            text.apply("down.error")));
    List<Source> sources = List.of(
        Source.down(text.apply("down.source"), text.apply("down.worker"), text.apply("down.error")),
        new Source(syncSource, syncWorker, true, null,
            new ProcessResult(false, List.of(error(text, "source.error", 38032))), relay));
    Membership membership = new Membership(
        List.of(new MasterMember(text.apply("master.name"), true, true, List.of(text.apply("master.clientUrl")))),
        List.of(new WorkerMember(text.apply("member.worker"), text.apply("member.address"), "offline",
            text.apply("member.sourceId"))),
        text.apply("leaderAddress"));
    List<TargetHealth> targets = List.of(new TargetHealth(text.apply("target.address"), TargetRole.WORKER, false, 0.5,
        PollError.TIMEOUT, text.apply("target.message"), Map.of(PollError.TIMEOUT, 2L)));
    return new Snapshot(TIME, 0.25, TIME, TaskStatusRules.derive(subtasks, unknown, s -> s == syncing ? relay : null),
        subtasks, unknown, sources, membership, targets);
  }

  private static ProcessError error(UnaryOperator<String> text, String prefix, int code) {
    return new ProcessError(code, text.apply(prefix + ".class"), text.apply(prefix + ".scope"),
        text.apply(prefix + ".level"), text.apply(prefix + ".message"), text.apply(prefix + ".rawCause"),
        text.apply(prefix + ".workaround"));
  }
}
