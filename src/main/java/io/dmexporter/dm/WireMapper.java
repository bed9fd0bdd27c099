package io.dmexporter.dm;

import io.dmexporter.dm.pb.ListMemberResponse;
import io.dmexporter.dm.pb.MasterInfo;
import io.dmexporter.dm.pb.Members;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.SourceStatus;
import io.dmexporter.dm.pb.SubTaskStatus;
import io.dmexporter.dm.pb.WorkerInfo;
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
import io.dmexporter.model.WorkerMember;
import io.dmexporter.status.Parsers;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where DM's wire messages become domain records. Pure apart from debug logs. */
public final class WireMapper {
  private static final Logger log = LoggerFactory.getLogger(WireMapper.class);

  private WireMapper() {}

  /** A source's status and its subtasks, as one worker (or DM-master for it) reported them. */
  public record SourceReport(Source source, List<Subtask> subtasks) {}

  /**
   * Maps one {@code QueryStatusResponse} with {@code result=true}. {@code fallbackWorker} names
   * the worker when DM leaves {@code sourceStatus.worker} empty.
   */
  public static SourceReport sourceReport(QueryStatusResponse resp, String fallbackWorker) {
    SourceStatus ss = resp.getSourceStatus();
    String sourceId = ss.getSource();
    String worker = ss.getWorker().isEmpty() ? nullToEmpty(fallbackWorker) : ss.getWorker();
    Relay relay = ss.hasRelayStatus() ? relay(ss.getRelayStatus()) : null;
    Source source = new Source(sourceId, worker, true, null, result(ss.hasResult(), ss.getResult()), relay);
    List<Subtask> subtasks = new ArrayList<>(resp.getSubTaskStatusCount());
    for (SubTaskStatus st : resp.getSubTaskStatusList()) {
      subtasks.add(subtask(st, sourceId, worker));
    }
    return new SourceReport(source, subtasks);
  }

  /** Maps DM's member list; the leader is marked on the master whose name it carries. */
  public static Membership membership(ListMemberResponse resp) {
    String leaderName = null;
    List<MasterInfo> masterInfos = new ArrayList<>();
    List<WorkerMember> workers = new ArrayList<>();
    for (Members m : resp.getMembersList()) {
      switch (m.getMemberCase()) {
        case LEADER -> leaderName = m.getLeader().getName();
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
    return new Membership(masters, workers);
  }

  /** The leader's address from a member list, or null when it names none. */
  public static String leaderAddress(ListMemberResponse resp) {
    for (Members m : resp.getMembersList()) {
      if (m.hasLeader() && !m.getLeader().getAddr().isEmpty()) {
        return m.getLeader().getAddr();
      }
    }
    return null;
  }

  static Subtask subtask(SubTaskStatus st, String sourceId, String worker) {
    DumpStatus dump = null;
    LoadStatus load = null;
    SyncStatus sync = null;
    switch (st.getStatusCase()) {
      case DUMP -> dump = dump(st.getDump(), st.getName(), sourceId);
      case LOAD -> load = load(st.getLoad(), st.getName(), sourceId);
      case SYNC -> sync = sync(st.getSync(), st.getName(), sourceId);
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
        sync);
  }

  static Relay relay(io.dmexporter.dm.pb.RelayStatus r) {
    return new Relay(
        stage(r.getStage()),
        result(r.hasResult(), r.getResult()),
        r.getRelayCatchUpMaster(),
        r.getMasterBinlog(),
        position(r.getMasterBinlog(), "relay master binlog", r.getRelaySubDir()),
        r.getMasterBinlogGtid(),
        r.getRelayBinlog(),
        position(r.getRelayBinlog(), "relay binlog", r.getRelaySubDir()),
        r.getRelayBinlogGtid(),
        r.getRelaySubDir());
  }

  private static DumpStatus dump(io.dmexporter.dm.pb.DumpStatus d, String task, String source) {
    return new DumpStatus(
        d.getTotalTables(),
        d.getCompletedTables(),
        d.getFinishedBytes(),
        d.getFinishedRows(),
        d.getEstimateTotalRows(),
        d.getBps(),
        d.getProgress(),
        progress(d.getProgress(), "dump", task, source));
  }

  private static LoadStatus load(io.dmexporter.dm.pb.LoadStatus l, String task, String source) {
    return new LoadStatus(
        l.getFinishedBytes(),
        l.getTotalBytes(),
        l.getProgress(),
        progress(l.getProgress(), "load", task, source),
        l.getBps(),
        l.getMetaBinlog());
  }

  private static SyncStatus sync(io.dmexporter.dm.pb.SyncStatus s, String task, String source) {
    // DM before v6.0 fills only the event counters; v6.0 and later fill the row counters.
    boolean legacy = s.getTotalRows() == 0 && s.getTotalRps() == 0 && s.getRecentRps() == 0
        && (s.getTotalEvents() != 0 || s.getTotalTps() != 0 || s.getRecentTps() != 0);
    List<ShardingGroup> groups = new ArrayList<>(s.getUnresolvedGroupsCount());
    for (io.dmexporter.dm.pb.ShardingGroup g : s.getUnresolvedGroupsList()) {
      groups.add(new ShardingGroup(g.getTarget(), g.getDDLsList(), g.getFirstLocation(), g.getSyncedList(), g.getUnsyncedList()));
    }
    String where = task + "/" + source;
    return new SyncStatus(
        legacy ? s.getTotalEvents() : s.getTotalRows(),
        legacy ? s.getTotalTps() : s.getTotalRps(),
        legacy ? s.getRecentTps() : s.getRecentRps(),
        legacy,
        s.getMasterBinlog(),
        position(s.getMasterBinlog(), "master binlog", where),
        s.getMasterBinlogGtid(),
        s.getSyncerBinlog(),
        position(s.getSyncerBinlog(), "syncer binlog", where),
        s.getSyncerBinlogGtid(),
        s.getBlockingDDLsList(),
        groups,
        s.getSynced(),
        s.getSecondsBehindMaster(),
        s.getBlockDDLOwner(),
        s.getConflictMsg(),
        // uint64 on the wire; a value past 2^63 would read negative and is not a real byte count
        Math.max(0, s.getIoTotalBytes()),
        Math.max(0, s.getDumpIOTotalBytes()));
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

  private static Double progress(String text, String unit, String task, String source) {
    Double ratio = Parsers.progressRatio(text);
    if (ratio == null && !text.isEmpty()) {
      log.debug("malformed {} progress {} for task {} source {}", unit, quoted(text), task, source);
    }
    return ratio;
  }

  private static io.dmexporter.model.BinlogPosition position(String text, String what, String where) {
    io.dmexporter.model.BinlogPosition pos = Parsers.binlogPosition(text);
    if (pos == null && !text.isEmpty()) {
      log.debug("malformed {} position {} ({})", what, quoted(text), where);
    }
    return pos;
  }

  private static String quoted(String text) {
    return '"' + (text.length() > 80 ? text.substring(0, 80) + "…" : text) + '"';
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
