package io.dmexporter.dm;

import io.dmexporter.dm.pb.ListMemberResponse;
import io.dmexporter.dm.pb.MasterInfo;
import io.dmexporter.dm.pb.Members;
import io.dmexporter.dm.pb.QueryStatusListResponse;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.SourceStatus;
import io.dmexporter.dm.pb.SubTaskStatus;
import io.dmexporter.dm.pb.ValidationStatus;
import io.dmexporter.dm.pb.WorkerInfo;
import io.dmexporter.model.BadValue;
import io.dmexporter.model.BinlogPosition;
import io.dmexporter.model.DumpStatus;
import io.dmexporter.model.LoadStatus;
import io.dmexporter.model.MasterMember;
import io.dmexporter.model.Membership;
import io.dmexporter.model.ProcessError;
import io.dmexporter.model.ProcessResult;
import io.dmexporter.model.Relay;
import io.dmexporter.model.ShardingGroup;
import io.dmexporter.model.Source;
import io.dmexporter.model.Stage;
import io.dmexporter.model.Subtask;
import io.dmexporter.model.SyncStatus;
import io.dmexporter.model.Unit;
import io.dmexporter.model.Validation;
import io.dmexporter.model.WorkerMember;
import io.dmexporter.status.Parsers;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where DM's status and member messages become domain records. Pure apart from
 * debug logs: impossible values are dropped and returned as {@link BadValue}s for the caller to
 * report.
 */
public final class WireMapper {
  private static final Logger log = LoggerFactory.getLogger(WireMapper.class);
  /** What DM-master puts in {@code sourceStatus.worker} of a placeholder for a source without worker. */
  static final String NOT_BOUND = "source not bound";

  private WireMapper() {}

  /**
   * Maps one {@code QueryStatusResponse} with {@code result=true}. {@code fallbackWorker} names
   * the worker when DM leaves {@code sourceStatus.worker} empty.
   */
  public static SourceReport sourceReport(QueryStatusResponse resp, String fallbackWorker) {
    SourceStatus ss = resp.getSourceStatus();
    String sourceId = ss.getSource();
    String worker = ss.getWorker().isEmpty() ? nullToEmpty(fallbackWorker) : ss.getWorker();
    Relay relay = ss.hasRelayStatus() ? relay(ss.getRelayStatus(), sourceId) : null;
    Source source = new Source(sourceId, worker, true, null, result(ss.hasResult(), ss.getResult()), relay);
    List<Subtask> subtasks = new ArrayList<>(resp.getSubTaskStatusCount());
    List<BadValue> bad = new ArrayList<>(0);
    for (SubTaskStatus st : resp.getSubTaskStatusList()) {
      subtasks.add(subtask(st, sourceId, worker, new Checked(st.getName(), sourceId, bad)));
    }
    return new SourceReport(source, subtasks, bad);
  }

  /**
   * Maps DM-master's {@code QueryStatus} answer (with {@code result=true}) source by source: read
   * sources, sources DM-master could not read (with its message), and its placeholders for
   * sources without a worker, which carry only the names of their tasks.
   */
  public static List<SourceAnswer> masterStatus(QueryStatusListResponse resp) {
    List<SourceAnswer> answers = new ArrayList<>(resp.getSourcesCount());
    for (QueryStatusResponse r : resp.getSourcesList()) {
      SourceStatus ss = r.getSourceStatus();
      if (r.getResult()) {
        SourceReport report = sourceReport(r, "");
        answers.add(new SourceAnswer(ss.getSource(), report.source().worker(), report, null, List.of()));
        continue;
      }
      String worker = NOT_BOUND.equals(ss.getWorker()) ? "" : ss.getWorker();
      List<String> tasks = new ArrayList<>(r.getSubTaskStatusCount());
      for (SubTaskStatus st : r.getSubTaskStatusList()) {
        if (!st.getName().isEmpty()) {
          tasks.add(st.getName());
        }
      }
      String failure = r.getMsg().isEmpty() ? "DM-master could not read the source" : r.getMsg();
      answers.add(new SourceAnswer(ss.getSource(), worker, null, failure, tasks));
    }
    return answers;
  }

  /** Maps DM's member list; the leader is marked on the master whose name it carries. */
  public static Membership membership(ListMemberResponse resp) {
    String leaderName = null;
    String leaderAddress = null;
    List<MasterInfo> masterInfos = new ArrayList<>();
    List<WorkerMember> workers = new ArrayList<>();
    for (Members m : resp.getMembersList()) {
      switch (m.getMemberCase()) {
        case LEADER -> {
          leaderName = m.getLeader().getName();
          leaderAddress = m.getLeader().getAddr().isEmpty() ? null : m.getLeader().getAddr();
        }
        case MASTER -> masterInfos.addAll(m.getMaster().getMastersList());
        case WORKER -> {
          for (WorkerInfo w : m.getWorker().getWorkersList()) {
            workers.add(new WorkerMember(w.getName(), w.getAddr(), w.getStage(), w.getSource()));
          }
        }
        default -> { }
      }
    }
    List<MasterMember> masters = new ArrayList<>(masterInfos.size());
    for (MasterInfo mi : masterInfos) {
      masters.add(new MasterMember(mi.getName(), mi.getAlive(), mi.getName().equals(leaderName), mi.getClientURLsList()));
    }
    return new Membership(masters, workers, leaderAddress);
  }

  static Subtask subtask(SubTaskStatus st, String sourceId, String worker, Checked values) {
    DumpStatus dump = null;
    LoadStatus load = null;
    SyncStatus sync = null;
    switch (st.getStatusCase()) {
      case DUMP -> dump = dump(st.getDump(), values);
      case LOAD -> load = load(st.getLoad(), values);
      case SYNC -> sync = sync(st.getSync(), values);
      default -> { }
    }
    return new Subtask(
        st.getName(),
        sourceId,
        worker,
        stage(st.getStage()),
        unit(st.getUnit()),
        result(st.hasResult(), st.getResult()),
        st.getUnresolvedDDLLockID(),
        dump,
        load,
        sync,
        st.hasValidation() ? validation(st.getValidation(), values) : null);
  }

  static Relay relay(io.dmexporter.dm.pb.RelayStatus r, String sourceId) {
    String where = "source " + sourceId;
    return new Relay(
        stage(r.getStage()),
        result(r.hasResult(), r.getResult()),
        r.getRelayCatchUpMaster(),
        r.getMasterBinlog(),
        position(r.getMasterBinlog(), "relay masterBinlog", where),
        r.getMasterBinlogGtid(),
        r.getRelayBinlog(),
        position(r.getRelayBinlog(), "relayBinlog", where),
        r.getRelayBinlogGtid(),
        r.getRelaySubDir());
  }

  /** Null when DM reported an empty DumpStatus: DM before v5.4 reports nothing but the unit. */
  private static DumpStatus dump(io.dmexporter.dm.pb.DumpStatus d, Checked v) {
    if (d.equals(io.dmexporter.dm.pb.DumpStatus.getDefaultInstance())) {
      return null;
    }
    // DM before v6.4 fills neither bps nor progress: a 0 there is "not reported".
    boolean reportsSpeed = d.getBps() != 0 || !d.getProgress().isEmpty();
    return new DumpStatus(
        v.count("dump.totalTables", d.getTotalTables()),
        v.count("dump.completedTables", d.getCompletedTables()),
        v.count("dump.finishedBytes", d.getFinishedBytes()),
        v.count("dump.finishedRows", d.getFinishedRows()),
        v.count("dump.estimateTotalRows", d.getEstimateTotalRows()),
        reportsSpeed ? v.count("dump.bps", d.getBps()) : null,
        d.getProgress(),
        progress(d.getProgress(), "dump", v));
  }

  private static LoadStatus load(io.dmexporter.dm.pb.LoadStatus l, Checked v) {
    return new LoadStatus(
        v.count("load.finishedBytes", l.getFinishedBytes()),
        v.count("load.totalBytes", l.getTotalBytes()),
        l.getProgress(),
        progress(l.getProgress(), "load", v),
        v.count("load.bps", l.getBps()),
        l.getMetaBinlog());
  }

  private static SyncStatus sync(io.dmexporter.dm.pb.SyncStatus s, Checked v) {
    // DM before v6.4 fills only the event counters; v6.4 and later fill both with the same values.
    boolean legacy = s.getTotalRows() == 0 && s.getTotalRps() == 0 && s.getRecentRps() == 0
        && (s.getTotalEvents() != 0 || s.getTotalTps() != 0 || s.getRecentTps() != 0);
    List<ShardingGroup> groups = new ArrayList<>(s.getUnresolvedGroupsCount());
    for (io.dmexporter.dm.pb.ShardingGroup g : s.getUnresolvedGroupsList()) {
      groups.add(new ShardingGroup(g.getTarget(), g.getDDLsList(), g.getFirstLocation(), g.getSyncedList(), g.getUnsyncedList()));
    }
    return new SyncStatus(
        legacy ? v.count("sync.totalEvents", s.getTotalEvents()) : v.count("sync.totalRows", s.getTotalRows()),
        legacy ? v.count("sync.totalTps", s.getTotalTps()) : v.count("sync.totalRps", s.getTotalRps()),
        legacy ? v.count("sync.recentTps", s.getRecentTps()) : v.count("sync.recentRps", s.getRecentRps()),
        legacy,
        s.getMasterBinlog(),
        position(s.getMasterBinlog(), "masterBinlog", v.where()),
        s.getMasterBinlogGtid(),
        s.getSyncerBinlog(),
        position(s.getSyncerBinlog(), "syncerBinlog", v.where()),
        s.getSyncerBinlogGtid(),
        s.getBlockingDDLsList(),
        groups,
        s.getSynced(),
        v.count("sync.secondsBehindMaster", s.getSecondsBehindMaster()),
        s.getBlockDDLOwner(),
        s.getConflictMsg(),
        v.unsigned("sync.ioTotalBytes", s.getIoTotalBytes()),
        v.unsigned("sync.dumpIOTotalBytes", s.getDumpIOTotalBytes()));
  }

  private static Validation validation(ValidationStatus s, Checked v) {
    Validation.RowCounts processed = Parsers.validationRows(s.getProcessedRowsStatus());
    Validation.RowCounts pending = Parsers.validationRows(s.getPendingRowsStatus());
    Validation.ErrorRowCounts errors = Parsers.validationErrorRows(s.getErrorRowsStatus());
    v.malformed("validation.processedRowsStatus", s.getProcessedRowsStatus(), processed);
    v.malformed("validation.pendingRowsStatus", s.getPendingRowsStatus(), pending);
    v.malformed("validation.errorRowsStatus", s.getErrorRowsStatus(), errors);
    return new Validation(
        stage(s.getStage()),
        s.getMode(),
        result(s.hasResult(), s.getResult()),
        processed,
        pending,
        errors,
        s.getValidatorBinlog(),
        s.getCutoverBinlogPos());
  }

  static ProcessResult result(boolean present, io.dmexporter.dm.pb.ProcessResult r) {
    if (!present) {
      return ProcessResult.NONE;
    }
    List<ProcessError> errors = new ArrayList<>(r.getErrorsCount());
    for (io.dmexporter.dm.pb.ProcessError e : r.getErrorsList()) {
      errors.add(new ProcessError(
          e.getErrCode(), e.getErrClass(), e.getErrScope(), e.getErrLevel(), e.getMessage(), e.getRawCause(), e.getWorkaround()));
    }
    return new ProcessResult(r.getIsCanceled(), errors);
  }

  static Stage stage(io.dmexporter.dm.pb.Stage s) {
    return switch (s) {
      case New -> Stage.NEW;
      case Running -> Stage.RUNNING;
      case Paused -> Stage.PAUSED;
      case Stopped -> Stage.STOPPED;
      case Finished -> Stage.FINISHED;
      case Pausing -> Stage.PAUSING;
      case Resuming -> Stage.RESUMING;
      case Stopping -> Stage.STOPPING;
      default -> null;
    };
  }

  static Unit unit(io.dmexporter.dm.pb.UnitType u) {
    return switch (u) {
      case Check -> Unit.CHECK;
      case Dump -> Unit.DUMP;
      case Load -> Unit.LOAD;
      case Sync -> Unit.SYNC;
      default -> null;
    };
  }

  private static Double progress(String text, String unit, Checked v) {
    Double ratio = Parsers.progressRatio(text);
    if (ratio == null && !text.isEmpty()) {
      log.debug("malformed {} progress {} ({})", unit, quoted(text), v.where());
    }
    return ratio;
  }

  private static BinlogPosition position(String text, String what, String where) {
    BinlogPosition pos = Parsers.binlogPosition(text);
    if (pos == null && !text.isEmpty()) {
      log.debug("malformed {} position {} ({})", what, quoted(text), where);
    }
    return pos;
  }

  static String quoted(String text) {
    return '"' + (text.length() > 80 ? text.substring(0, 80) + "…" : text) + '"';
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  /** Checks the numbers of one subtask: an impossible one becomes null and a {@link BadValue}. */
  static final class Checked {
    private final String task;
    private final String sourceId;
    private final List<BadValue> bad;

    Checked(String task, String sourceId, List<BadValue> bad) {
      this.task = task;
      this.sourceId = sourceId;
      this.bad = bad;
    }

    String where() {
      return "task " + task + " source " + sourceId;
    }

    /** A count, byte total or rate: never negative. */
    Long count(String field, long value) {
      if (value < 0) {
        bad.add(new BadValue(task, sourceId, field, Long.toString(value)));
        return null;
      }
      return value;
    }

    /** A dumpling estimate sent as a double: finite and never negative. */
    Double count(String field, double value) {
      if (!Double.isFinite(value) || value < 0) {
        bad.add(new BadValue(task, sourceId, field, Double.toString(value)));
        return null;
      }
      return value;
    }

    /** A uint64 on the wire: past 2^63 it reads negative in Java and is no real byte count. */
    Long unsigned(String field, long value) {
      if (value < 0) {
        bad.add(new BadValue(task, sourceId, field, Long.toUnsignedString(value)));
        return null;
      }
      return value;
    }

    /** A status string DM filled but that does not parse. */
    void malformed(String field, String text, Object parsed) {
      if (parsed == null && !text.isEmpty()) {
        bad.add(new BadValue(task, sourceId, field, quoted(text)));
      }
    }
  }
}
