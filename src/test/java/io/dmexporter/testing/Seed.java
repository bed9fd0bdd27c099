package io.dmexporter.testing;

import io.dmexporter.dm.pb.DumpStatus;
import io.dmexporter.dm.pb.ListLeaderMember;
import io.dmexporter.dm.pb.ListMasterMember;
import io.dmexporter.dm.pb.ListMemberResponse;
import io.dmexporter.dm.pb.ListWorkerMember;
import io.dmexporter.dm.pb.LoadStatus;
import io.dmexporter.dm.pb.MasterInfo;
import io.dmexporter.dm.pb.Members;
import io.dmexporter.dm.pb.ProcessError;
import io.dmexporter.dm.pb.ProcessResult;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.dm.pb.RelayStatus;
import io.dmexporter.dm.pb.ShardingGroup;
import io.dmexporter.dm.pb.SourceStatus;
import io.dmexporter.dm.pb.Stage;
import io.dmexporter.dm.pb.SubTaskStatus;
import io.dmexporter.dm.pb.SyncStatus;
import io.dmexporter.dm.pb.UnitType;
import io.dmexporter.dm.pb.WorkerInfo;
import io.dmexporter.dm.pb.ListTaskConfigsResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wire fixtures that reproduce the seed's query-status example: task {@code test} on four sources
 * (Sync with a blocking sharding DDL, Load at 25.44 %, Load Paused with a duplicate-entry error,
 * Dump at 30.52 %) and the manually Paused task {@code test2} on the first two sources.
 */
public final class Seed {
  public static final String DDL = "USE `test`; ALTER TABLE `test`.`t_target` DROP COLUMN `age`;";

  private Seed() {}

  public static SubTaskStatus syncSubtask() {
    return SubTaskStatus.newBuilder()
        .setName("test").setStage(Stage.Running).setUnit(UnitType.Sync)
        .setUnresolvedDDLLockID("test-`test`.`t_target`")
        .setSync(SyncStatus.newBuilder()
            .setMasterBinlog("(bin.000001, 3234)")
            .setMasterBinlogGtid("c0149e17-dff1-11e8-b6a8-0242ac110004:1-14")
            .setSyncerBinlog("(bin.000001, 2525)")
            .addBlockingDDLs(DDL)
            .addUnresolvedGroups(ShardingGroup.newBuilder()
                .setTarget("`test`.`t_target`").addDDLs(DDL).setFirstLocation("(bin|000001.000001, 3130)")
                .addSynced("`test`.`t2`").addSynced("`test`.`t3`").addSynced("`test`.`t1`"))
            .setSynced(false)
            .setTotalRows(12).setTotalRps(1).setRecentRps(1)
            .setSecondsBehindMaster(3)
            .setIoTotalBytes(4096).setDumpIOTotalBytes(8192))
        .build();
  }

  public static SubTaskStatus loadRunning() {
    return SubTaskStatus.newBuilder()
        .setName("test").setStage(Stage.Running).setUnit(UnitType.Load)
        .setLoad(LoadStatus.newBuilder().setFinishedBytes(115).setTotalBytes(452).setProgress("25.44 %").setBps(2734))
        .build();
  }

  public static ProcessError duplicateEntry() {
    return ProcessError.newBuilder()
        .setErrCode(10006).setErrClass("database").setErrScope("downstream").setErrLevel("high")
        .setMessage("Error 1062: Duplicate entry '1155173304420532225' for key 'PRIMARY'")
        .setRawCause("file test.t1.sql")
        .setWorkaround("check the data of the downstream table")
        .build();
  }

  public static SubTaskStatus loadPausedWithError() {
    return SubTaskStatus.newBuilder()
        .setName("test").setStage(Stage.Paused).setUnit(UnitType.Load)
        .setResult(ProcessResult.newBuilder().setIsCanceled(false).addErrors(duplicateEntry()))
        .setLoad(LoadStatus.newBuilder().setFinishedBytes(0).setTotalBytes(156).setProgress("0.00 %").setBps(0))
        .build();
  }

  public static SubTaskStatus dumpRunning() {
    return SubTaskStatus.newBuilder()
        .setName("test").setStage(Stage.Running).setUnit(UnitType.Dump)
        .setDump(DumpStatus.newBuilder().setTotalTables(10).setCompletedTables(3).setFinishedBytes(2542)
            .setFinishedRows(32).setEstimateTotalRows(563).setProgress("30.52 %").setBps(445))
        .build();
  }

  /** {@code test2}, paused by {@code pause-task}: Paused, cancelled, no errors. */
  public static SubTaskStatus test2ManuallyPaused() {
    return SubTaskStatus.newBuilder()
        .setName("test2").setStage(Stage.Paused).setUnit(UnitType.Sync)
        .setResult(ProcessResult.newBuilder().setIsCanceled(true))
        .setSync(SyncStatus.newBuilder().setMasterBinlog("(bin.000002, 120)").setSyncerBinlog("(bin.000002, 120)")
            .setSynced(true).setTotalRows(40))
        .build();
  }

  /** One worker's answer for a source, relay disabled. */
  public static QueryStatusResponse worker(String source, String worker, SubTaskStatus... subtasks) {
    QueryStatusResponse.Builder b = QueryStatusResponse.newBuilder().setResult(true)
        .setSourceStatus(SourceStatus.newBuilder().setSource(source).setWorker(worker));
    for (SubTaskStatus s : subtasks) {
      b.addSubTaskStatus(s);
    }
    return b.build();
  }

  /** The same answer with a relay in the given stage, with an error if asked. */
  public static QueryStatusResponse withRelay(QueryStatusResponse r, Stage stage, boolean error) {
    RelayStatus.Builder relay = RelayStatus.newBuilder().setStage(stage)
        .setMasterBinlog("(mysql-bin.000012, 4521)").setRelayBinlog("(mysql-bin.000011, 1024)")
        .setRelayCatchUpMaster(false).setRelaySubDir("c0149e17-dff1-11e8-b6a8-0242ac110004.000001");
    if (error) {
      relay.setResult(ProcessResult.newBuilder().addErrors(ProcessError.newBuilder()
          .setErrCode(30001).setErrClass("relay-unit").setErrScope("upstream").setErrLevel("high")
          .setMessage("read binlog event: connection reset")));
    }
    return r.toBuilder().setSourceStatus(r.getSourceStatus().toBuilder().setRelayStatus(relay)).build();
  }

  /** The four workers of the seed, by worker name. */
  public static Map<String, QueryStatusResponse> workers() {
    return Map.of(
        "worker1", worker("mysql-replica-01", "worker1", syncSubtask(), test2ManuallyPaused()),
        "worker2", worker("mysql-replica-02", "worker2", loadRunning(), test2ManuallyPaused()),
        "worker3", worker("mysql-replica-03", "worker3", loadPausedWithError()),
        "worker4", worker("mysql-replica-04", "worker4", dumpRunning()));
  }

  /** A member list: masters (the first is leader) and workers {name, addr, stage, source}. */
  public static ListMemberResponse members(String[][] masters, String[]... workers) {
    ListMasterMember.Builder mm = ListMasterMember.newBuilder();
    for (String[] m : masters) {
      mm.addMasters(MasterInfo.newBuilder().setName(m[0]).setAlive(true).addClientURLs("http://" + m[1]));
    }
    ListWorkerMember.Builder wm = ListWorkerMember.newBuilder();
    for (String[] w : workers) {
      wm.addWorkers(WorkerInfo.newBuilder().setName(w[0]).setAddr(w[1]).setStage(w[2]).setSource(w[3]));
    }
    return ListMemberResponse.newBuilder().setResult(true)
        .addMembers(Members.newBuilder().setLeader(ListLeaderMember.newBuilder().setName(masters[0][0]).setAddr(masters[0][1])))
        .addMembers(Members.newBuilder().setMaster(mm))
        .addMembers(Members.newBuilder().setWorker(wm))
        .build();
  }

  /** The seed's tasks and their sources as DM-master's task configs know them. */
  public static Map<String, List<String>> taskSources() {
    return Map.of(
        "test", List.of("mysql-replica-01", "mysql-replica-02", "mysql-replica-03", "mysql-replica-04"),
        "test2", List.of("mysql-replica-01", "mysql-replica-02"));
  }

  /** {@code ListTaskConfigs} (DM v8.0+): each task's config in YAML, as DM-master writes it. */
  public static ListTaskConfigsResponse taskConfigs(Map<String, List<String>> sourcesByTask) {
    ListTaskConfigsResponse.Builder b = ListTaskConfigsResponse.newBuilder().setResult(true);
    sourcesByTask.forEach((task, sources) -> {
      StringBuilder yaml = new StringBuilder("name: " + task + "\ntask-mode: all\nshard-mode: \"\"\n"
          + "target-database:\n  host: 127.0.0.1\n  port: 4000\n  user: root\n  password: '******'\n"
          + "mysql-instances:\n");
      for (String source : sources) {
        yaml.append("- source-id: ").append(source).append("\n  meta: null\n  filter-rules: []\n  route-rules: []\n");
      }
      b.putTaskConfigs(task, yaml.toString());
    });
    return b.build();
  }

  /** {@code GetSubTaskCfg} answers: each task's subtask configs in TOML, as DM-master writes them. */
  public static Map<String, List<String>> subtaskConfigs(Map<String, List<String>> sourcesByTask) {
    Map<String, List<String>> configs = new LinkedHashMap<>();
    sourcesByTask.forEach((task, sources) -> configs.put(task, sources.stream()
        .map(source -> "is-sharding = false\nshard-mode = \"\"\nname = \"" + task + "\"\nmode = \"all\"\n"
            + "source-id = \"" + source + "\"\n\n[from]\n  host = \"127.0.0.1\"\n  port = 3306\n"
            + "\n[to]\n  host = \"127.0.0.1\"\n  port = 4000\n")
        .toList()));
    return configs;
  }
}
