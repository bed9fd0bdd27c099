package io.dmexporter.sim;

import io.dmexporter.dm.pb.CommonWorkerResponse;
import io.dmexporter.dm.pb.DDLLock;
import io.dmexporter.dm.pb.GetCfgRequest;
import io.dmexporter.dm.pb.GetCfgResponse;
import io.dmexporter.dm.pb.GetSubTaskCfgRequest;
import io.dmexporter.dm.pb.GetSubTaskCfgResponse;
import io.dmexporter.dm.pb.ListLeaderMember;
import io.dmexporter.dm.pb.ListMasterMember;
import io.dmexporter.dm.pb.ListMemberRequest;
import io.dmexporter.dm.pb.ListMemberResponse;
import io.dmexporter.dm.pb.ListTaskConfigsResponse;
import io.dmexporter.dm.pb.ListWorkerMember;
import io.dmexporter.dm.pb.MasterInfo;
import io.dmexporter.dm.pb.Members;
import io.dmexporter.dm.pb.OperateSourceRequest;
import io.dmexporter.dm.pb.OperateSourceResponse;
import io.dmexporter.dm.pb.QueryStatusListRequest;
import io.dmexporter.dm.pb.QueryStatusListResponse;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.ShardingGroup;
import io.dmexporter.dm.pb.ShowDDLLocksRequest;
import io.dmexporter.dm.pb.ShowDDLLocksResponse;
import io.dmexporter.dm.pb.SourceOp;
import io.dmexporter.dm.pb.SourceStatus;
import io.dmexporter.dm.pb.SubTaskStatus;
import io.dmexporter.dm.pb.UnitType;
import io.dmexporter.sim.SimCluster.DdlLock;
import io.dmexporter.sim.SimCluster.Reply;
import io.dmexporter.sim.SimCluster.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * DM-master's answers ({@code dm/master/server.go}), computed from the cluster under its lock.
 * Calls that read DM-master's own state answer at once; QueryStatus and ShowSource fan out to
 * DM-workers and answer when the slowest worker has answered or timed out.
 */
final class SimMaster {
  /** {@code waitOperationOk}: attempts and the pause between them. */
  private static final int MAX_RETRY = 10;
  private static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);
  static final String NO_FREE_WORKER = "source is added but there is no free worker to bound";
  static final String UNSYNCED_SHARD = "this DM-worker doesn't receive any shard DDL of this group";

  private final SimCluster c;

  SimMaster(SimCluster cluster) {
    this.c = cluster;
  }

  /** A worker's answer as DM-master's RPC client sees it: an answer or an error text, and how long it took. */
  private record Hop(QueryStatusResponse answer, String error, Duration took) {}

  private Hop callWorker(Worker w, String task) {
    Duration latency = c.opts.latency();
    Duration timeout = c.opts.masterRpcTimeout();
    Fault f = w.offline ? Fault.unavailable() : c.faults.get(w.address);
    Fault.Kind kind = f == null ? null : f.kind();
    if (kind == Fault.Kind.DELAY && latency.plus(f.delay()).compareTo(timeout) >= 0 || kind == Fault.Kind.HANG) {
      return failed("rpc error: code = DeadlineExceeded desc = context deadline exceeded", timeout);
    }
    if (kind == Fault.Kind.UNAVAILABLE) {
      return failed("rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: "
          + "dial tcp " + w.address + ": connect: connection refused\"", latency);
    }
    if (kind == Fault.Kind.GARBAGE) {
      return failed("rpc error: code = Internal desc = grpc: failed to unmarshal the received message: "
          + "proto: cannot parse invalid wire-format data", latency);
    }
    Duration took = kind == Fault.Kind.DELAY ? latency.plus(f.delay()) : latency;
    return new Hop(c.workerStatus(w.name, task), null, took);
  }

  private static Hop failed(String grpcError, Duration took) {
    return new Hop(null, DmError.MASTER_GRPC_REQUEST_ERROR.text("grpc request error", grpcError), took);
  }

  private String resultFalse(String masterName) {
    Fault own = c.faults.get(c.masters.get(masterName).address);
    return own != null && own.kind() == Fault.Kind.RESULT_FALSE ? own.message() : null;
  }

  /** Go's {@code %s} of a {@code []string}: {@code [a b]}. */
  private static String goList(List<String> items) {
    return "[" + String.join(" ", items) + "]";
  }

  // ---------------------------------------------------------------- QueryStatus

  /** {@code pb.Master/QueryStatus}: by name, by sources, or all bound sources plus placeholders. */
  Reply<QueryStatusListResponse> queryStatus(String masterName, QueryStatusListRequest req) {
    c.advanceAll();
    QueryStatusListResponse.Builder resp = QueryStatusListResponse.newBuilder();
    String own = resultFalse(masterName);
    if (own != null) {
      return Reply.of(resp.setResult(false).setMsg(own).build());
    }
    String task = req.getName();
    boolean specified = req.getSourcesCount() > 0;
    List<String> ids;
    if (specified) {
      List<String> unknown = req.getSourcesList().stream().filter(s -> !c.sources.containsKey(s)).toList();
      if (!unknown.isEmpty()) {
        return Reply.of(resp.setResult(false).setMsg("sources " + goList(unknown) + " haven't been added").build());
      }
      ids = req.getSourcesList();
    } else if (!task.isEmpty()) {
      ids = c.subtaskConfigs().getOrDefault(task, List.of());
      if (ids.isEmpty()) {
        return Reply.of(resp.setResult(false).setMsg("task " + task + " has no source or not exist").build());
      }
    } else {
      ids = c.sources.values().stream().filter(s -> s.worker != null).map(s -> s.id).toList();
    }
    Map<String, List<QueryStatusResponse>> bySource = new TreeMap<>();
    Duration wait = Duration.ZERO;
    for (String id : ids) {
      List<QueryStatusResponse> entries = bySource.computeIfAbsent(id, k -> new ArrayList<>());
      List<Worker> asked = workersOf(id, specified);
      if (asked.isEmpty()) {
        entries.add(QueryStatusResponse.newBuilder().setResult(false)
            .setMsg(DmError.MASTER_WORKER_ARGS_EXTRACTOR.text(id + " relevant worker-client not found", ""))
            .setSourceStatus(SourceStatus.newBuilder().setSource(id)).build());
        continue;
      }
      for (Worker w : asked) {
        Hop hop = callWorker(w, task);
        wait = wait.compareTo(hop.took()) >= 0 ? wait : hop.took();
        QueryStatusResponse.Builder e = hop.answer() != null ? hop.answer().toBuilder()
            : QueryStatusResponse.newBuilder().setResult(false).setMsg(hop.error());
        e.setSourceStatus(e.getSourceStatus().toBuilder().setSource(id));
        entries.add(fillUnsyncedStatus(e.build()));
      }
    }
    if (task.isEmpty() && c.version.placeholders()) {
      addPlaceholders(bySource, specified ? Set.copyOf(ids) : null);
    }
    resp.setResult(true);
    bySource.values().forEach(resp::addAllSources);
    return new Reply<>(resp.build(), null, wait);
  }

  /** With sources given, DM-master asks the source's relay workers too; always its bound worker. */
  private List<Worker> workersOf(String sourceId, boolean withRelayWorkers) {
    List<Worker> out = new ArrayList<>();
    if (withRelayWorkers) {
      c.workers.values().stream().filter(w -> sourceId.equals(w.relaySource))
          .sorted(Comparator.comparing(w -> w.name)).forEach(out::add);
    }
    String bound = c.sources.get(sourceId).worker;
    if (bound != null && out.stream().noneMatch(w -> w.name.equals(bound))) {
      out.add(c.workers.get(bound));
    }
    return out;
  }

  /** {@code fillUnsyncedStatus}: a Sync subtask that has not met a pessimistic lock of its task says so. */
  private QueryStatusResponse fillUnsyncedStatus(QueryStatusResponse r) {
    String source = r.getSourceStatus().getSource();
    QueryStatusResponse.Builder b = null;
    for (int i = 0; i < r.getSubTaskStatusCount(); i++) {
      SubTaskStatus st = r.getSubTaskStatus(i);
      if (st.getUnit() != UnitType.Sync || st.getSync().getUnresolvedGroupsCount() > 0) {
        continue;
      }
      for (DdlLock l : c.locks.values()) {
        if (l.mode == ShardMode.PESSIMISTIC && l.task.equals(st.getName()) && l.ready.containsKey(source)) {
          b = b == null ? r.toBuilder() : b;
          SubTaskStatus.Builder sb = b.getSubTaskStatus(i).toBuilder();
          sb.getSyncBuilder().addUnresolvedGroups(ShardingGroup.newBuilder()
              .setTarget(l.id.substring(l.task.length() + 1)).addUnsynced(UNSYNCED_SHARD));
          b.setSubTaskStatus(i, sb);
        }
      }
    }
    return b == null ? r : b.build();
  }

  /** DM v6.0+: a placeholder for each source of a task that no worker answered for. */
  private void addPlaceholders(Map<String, List<QueryStatusResponse>> bySource, Set<String> only) {
    Map<String, QueryStatusResponse.Builder> fakes = new TreeMap<>();
    for (Map.Entry<String, List<String>> t : c.subtaskConfigs().entrySet()) {
      for (String source : t.getValue()) {
        if ((only != null && !only.contains(source)) || bySource.containsKey(source)) {
          continue;
        }
        fakes.computeIfAbsent(source, s -> QueryStatusResponse.newBuilder().setResult(false)
            .setSourceStatus(SourceStatus.newBuilder().setSource(s).setWorker("source not bound"))
            .setMsg("can't find task=" + t.getKey() + " from dm-worker for source=" + s
                + ", please use dmctl list-member to check if worker is offline."))
            .addSubTaskStatus(SubTaskStatus.newBuilder().setName(t.getKey()));
      }
    }
    fakes.forEach((s, b) -> bySource.put(s, List.of(b.build())));
  }

  // ---------------------------------------------------------------- ListMember

  /** {@code pb.Master/ListMember}: all three lists when no flag is set; {@code names} filters each, sorted by name. */
  Reply<ListMemberResponse> listMember(String masterName, ListMemberRequest req) {
    String own = resultFalse(masterName);
    if (own != null) {
      return Reply.of(ListMemberResponse.newBuilder().setResult(false).setMsg(own).build());
    }
    boolean all = !req.getLeader() && !req.getMaster() && !req.getWorker();
    Set<String> names = Set.copyOf(req.getNamesList());
    ListMemberResponse.Builder r = ListMemberResponse.newBuilder().setResult(true);
    if (all || req.getLeader()) {
      SimCluster.Master l = c.masters.get(c.leader);
      ListLeaderMember.Builder lm = ListLeaderMember.newBuilder();
      if (names.isEmpty() || names.contains(l.name)) {
        lm.setName(l.name).setAddr(l.address);
      }
      r.addMembers(Members.newBuilder().setLeader(lm));
    }
    if (all || req.getMaster()) {
      ListMasterMember.Builder mm = ListMasterMember.newBuilder();
      c.masters.values().stream().sorted(Comparator.comparing(m -> m.name))
          .filter(m -> names.isEmpty() || names.contains(m.name))
          .forEach(m -> mm.addMasters(MasterInfo.newBuilder().setName(m.name).setMemberID(m.memberId)
              .setAlive(m.alive).addClientURLs("http://" + m.address)));
      r.addMembers(Members.newBuilder().setMaster(mm));
    }
    if (all || req.getWorker()) {
      ListWorkerMember.Builder wm = ListWorkerMember.newBuilder();
      c.workers.values().stream().sorted(Comparator.comparing(w -> w.name))
          .filter(w -> names.isEmpty() || names.contains(w.name))
          .forEach(w -> wm.addWorkers(io.dmexporter.dm.pb.WorkerInfo.newBuilder().setName(w.name).setAddr(w.address)
              .setStage(w.stage()).setSource(w.source == null ? "" : w.source)));
      r.addMembers(Members.newBuilder().setWorker(wm));
    }
    return Reply.of(r.build());
  }

  // ---------------------------------------------------------------- OperateSource

  /** {@code pb.Master/OperateSource}; ShowSource asks the worker of every bound source ({@code waitOperationOk}). */
  Reply<OperateSourceResponse> operateSource(String masterName, OperateSourceRequest req) {
    c.advanceAll();
    OperateSourceResponse.Builder resp = OperateSourceResponse.newBuilder();
    String own = resultFalse(masterName);
    if (own != null) {
      return Reply.of(resp.setResult(false).setMsg(own).build());
    }
    switch (req.getOp()) {
      case ShowSource -> { }
      case UpdateSource -> {
        return Reply.of(resp.setResult(false).setMsg("Update worker config is not supported by dm-ha now").build());
      }
      case StartSource, StopSource -> {
        return Reply.of(resp.setResult(false).setMsg("the DM simulator adds and removes sources through its control "
            + "API (POST/DELETE /api/v1/sources), not operate-source " + req.getOp()).build());
      }
      default -> {
        return Reply.of(resp.setResult(false).setMsg(DmError.MASTER_INVALID_OPERATE_OP
            .text("invalid op " + req.getOp() + " on source", "")).build());
      }
    }
    List<String> ids = req.getSourceIDCount() > 0 ? req.getSourceIDList().stream().distinct().sorted().toList()
        : List.copyOf(c.sources.keySet());
    Map<String, CommonWorkerResponse> checked = new LinkedHashMap<>();
    Duration wait = Duration.ZERO;
    resp.setResult(true);
    for (String id : ids) {
      String bound = c.sources.containsKey(id) ? c.sources.get(id).worker : null;
      if (bound == null) {
        resp.addSources(CommonWorkerResponse.newBuilder().setResult(true).setMsg(NO_FREE_WORKER).setSource(id));
        continue;
      }
      Duration took = Duration.ZERO;
      CommonWorkerResponse answer = null;
      for (int attempt = 0; attempt < MAX_RETRY && answer == null; attempt++) {
        took = attempt == 0 ? took : took.plus(RETRY_INTERVAL);
        Hop hop = callWorker(c.workers.get(bound), "");
        took = took.plus(hop.took());
        if (hop.answer() != null && id.equals(hop.answer().getSourceStatus().getSource())) {
          SourceStatus ss = hop.answer().getSourceStatus();
          String msg = ss.hasResult() && ss.getResult().getErrorsCount() > 0 ? ss.getResult().getErrors(0).getMessage() : "";
          answer = CommonWorkerResponse.newBuilder().setResult(true).setMsg(msg).setSource(id).setWorker(ss.getWorker())
              .build();
        }
      }
      if (answer == null) {
        answer = CommonWorkerResponse.newBuilder().setResult(false).setSource(id).setWorker(bound)
            .setMsg(DmError.MASTER_FAIL_TO_GET_EXPECT_RESULT.text()).build();
      }
      checked.put(id, answer);
      wait = wait.compareTo(took) >= 0 ? wait : took;
    }
    checked.values().forEach(resp::addSources);
    return new Reply<>(resp.build(), null, wait);
  }

  // ---------------------------------------------------------------- ShowDDLLocks

  Reply<ShowDDLLocksResponse> showDdlLocks(String masterName, ShowDDLLocksRequest req) {
    c.advanceAll();
    String own = resultFalse(masterName);
    ShowDDLLocksResponse.Builder resp = ShowDDLLocksResponse.newBuilder();
    if (own != null) {
      return Reply.of(resp.setResult(false).setMsg(own).build());
    }
    List<DDLLock> locks = ddlLocks(req.getTask(), req.getSourcesList());
    resp.setResult(true).addAllLocks(locks);
    if (locks.isEmpty()) {
      resp.setMsg("no DDL lock exists");
    }
    return Reply.of(resp.build());
  }

  /** The unresolved locks of {@code task} (empty: all) that involve one of {@code sources} (empty: any). */
  List<DDLLock> ddlLocks(String task, List<String> sources) {
    List<DDLLock> pessimistic = new ArrayList<>();
    List<DDLLock> optimistic = new ArrayList<>();
    for (DdlLock l : c.locks.values()) {
      if ((!task.isEmpty() && !task.equals(l.task))
          || (!sources.isEmpty() && sources.stream().noneMatch(l.ready::containsKey))) {
        continue;
      }
      String target = l.id.substring(l.task.length() + 1);
      DDLLock.Builder b = DDLLock.newBuilder().setID(l.id).setTask(l.task).setMode(l.mode.dmName());
      l.ready.forEach((source, synced) -> {
        String who = l.mode == ShardMode.PESSIMISTIC ? source : source + "-" + target;
        if (synced) {
          b.addSynced(who);
        } else {
          b.addUnsynced(who);
        }
      });
      if (l.mode == ShardMode.PESSIMISTIC) {
        pessimistic.add(b.setOwner(l.owner).addAllDDLs(l.ddls).build());
      } else if (c.version.optimisticLockOwner()) {
        optimistic.add(b.setOwner(l.owner).addAllDDLs(l.ddls).build());
      } else {
        optimistic.add(b.build()); // v5.3: owner and DDLs are N/A for optimistic locks
      }
    }
    pessimistic.addAll(optimistic);
    return pessimistic;
  }

  // ---------------------------------------------------------------- configs

  /** {@code pb.Master/GetSubTaskCfg}: the TOML of each subtask config, from DM-master's own state. */
  Reply<GetSubTaskCfgResponse> getSubTaskCfg(String masterName, GetSubTaskCfgRequest req) {
    String own = resultFalse(masterName);
    GetSubTaskCfgResponse.Builder resp = GetSubTaskCfgResponse.newBuilder();
    if (own != null) {
      return Reply.of(resp.setResult(false).setMsg(own).build());
    }
    List<String> ids = c.subtaskConfigs().getOrDefault(req.getName(), List.of());
    if (ids.isEmpty()) {
      return Reply.of(resp.setResult(false).setMsg("task not found").build());
    }
    SimCluster.TaskInfo t = c.tasks.get(req.getName());
    ids.forEach(id -> resp.addCfgs(TaskConfigs.subtaskToml(t, c.sources.get(id), c.version)));
    return Reply.of(resp.setResult(true).build());
  }

  /** {@code pb.Master/GetCfg}: a task's YAML, a source's YAML, a master's or a worker's TOML. */
  Reply<GetCfgResponse> getCfg(String masterName, GetCfgRequest req) {
    String own = resultFalse(masterName);
    GetCfgResponse.Builder resp = GetCfgResponse.newBuilder();
    if (own != null) {
      return Reply.of(resp.setResult(false).setMsg(own).build());
    }
    String name = req.getName();
    String cfg;
    switch (req.getType()) {
      case TaskType -> {
        List<String> ids = c.subtaskConfigs().getOrDefault(name, List.of());
        if (ids.isEmpty()) {
          return Reply.of(resp.setMsg("task not found").build());
        }
        cfg = TaskConfigs.taskYaml(c.tasks.get(name), ids, "******");
      }
      case SourceType -> {
        if (!c.sources.containsKey(name)) {
          return Reply.of(resp.setMsg("source not found").build());
        }
        cfg = TaskConfigs.sourceYaml(c.sources.get(name));
      }
      case MasterType -> {
        SimCluster.Master m = c.masters.get(name);
        if (m == null || !m.alive) {
          return Reply.of(resp.setMsg("master " + name + " not found").build());
        }
        cfg = TaskConfigs.masterToml(m, c.opts.masterRpcTimeout());
      }
      case WorkerType -> {
        Worker w = c.workers.get(name);
        if (w == null) {
          return Reply.of(resp.setMsg("worker not found").build());
        }
        cfg = TaskConfigs.workerToml(w);
      }
      case TaskTemplateType -> {
        return Reply.of(resp.setMsg("task not found").build());
      }
      default -> {
        return Reply.of(resp.setMsg("invalid config op '" + req.getType() + "'").build());
      }
    }
    return Reply.of(resp.setResult(true).setCfg(cfg).build());
  }

  /** {@code pb.Master/ListTaskConfigs} (DM v8.0+): every task's config as YAML. */
  Reply<ListTaskConfigsResponse> listTaskConfigs(String masterName) {
    String own = resultFalse(masterName);
    ListTaskConfigsResponse.Builder resp = ListTaskConfigsResponse.newBuilder();
    if (own != null) {
      return Reply.of(resp.setResult(false).setMsg(own).build());
    }
    c.subtaskConfigs().forEach((task, ids) -> resp.putTaskConfigs(task, TaskConfigs.taskYaml(c.tasks.get(task), ids, "")));
    return Reply.of(resp.setResult(true).build());
  }
}
