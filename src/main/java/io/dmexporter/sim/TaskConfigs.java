package io.dmexporter.sim;

import java.time.Duration;
import java.util.List;

/**
 * The configuration texts DM-master hands out, minimal but valid and with DM's key names:
 * a subtask's TOML ({@code config/subtask.go} toml tags), a task's YAML ({@code config/task.go}
 * yaml tags, as {@code YamlForDowngrade} and {@code String()} write it), a source's YAML and the
 * TOML of a master or a worker.
 */
final class TaskConfigs {
  private static final long SERVER_ID_BASE = 429_523_137L;

  private TaskConfigs() {}

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** {@code SubTaskConfig.Toml()} of the subtask of {@code task} on {@code source}. */
  static String subtaskToml(SimCluster.TaskInfo task, SimSource source, DmVersion version) {
    StringBuilder b = new StringBuilder();
    b.append("is-sharding = ").append(task.shardMode != null).append('\n');
    b.append("shard-mode = ").append(quoted(task.shardMode == null ? "" : task.shardMode.dmName())).append('\n');
    if (version.strictOptimisticShardMode()) {
      b.append("strict-optimistic-shard-mode = false\n");
    }
    b.append("online-ddl = false\n");
    b.append("case-sensitive = false\n");
    b.append("name = ").append(quoted(task.name)).append('\n');
    b.append("mode = ").append(quoted(task.mode.dmName())).append('\n');
    b.append("ignore-checking-items = []\n");
    b.append("source-id = ").append(quoted(source.id)).append('\n');
    b.append("server-id = ").append(SERVER_ID_BASE + Math.floorMod(source.id.hashCode(), 1_000_000)).append('\n');
    b.append("flavor = \"mysql\"\n");
    b.append("meta-schema = \"dm_meta\"\n");
    b.append("heartbeat-update-interval = 1\n");
    b.append("heartbeat-report-interval = 10\n");
    b.append("enable-heartbeat = false\n");
    b.append("timezone = \"\"\n");
    b.append("relay-dir = \"\"\n");
    b.append("use-relay = ").append(source.relay.enabled).append('\n');
    b.append("\n[from]\n  host = \"127.0.0.1\"\n  port = 3306\n  user = \"root\"\n  password = \"\"\n");
    b.append("\n[to]\n  host = \"127.0.0.1\"\n  port = 4000\n  user = \"root\"\n  password = \"\"\n");
    if (task.validation != null && version.validation()) {
      b.append("\n[validator]\n  mode = ").append(quoted(task.validation.dmName())).append('\n');
    }
    return b.toString();
  }

  /** A task config as YAML ({@code name}, {@code task-mode}, {@code mysql-instances} with their {@code source-id}). */
  static String taskYaml(SimCluster.TaskInfo task, List<String> sourceIds, String password) {
    StringBuilder b = new StringBuilder();
    b.append("name: ").append(task.name).append('\n');
    b.append("task-mode: ").append(yamlScalar(task.mode.dmName())).append('\n');
    b.append("is-sharding: ").append(task.shardMode != null).append('\n');
    b.append("shard-mode: ").append(task.shardMode == null ? "\"\"" : task.shardMode.dmName()).append('\n');
    b.append("meta-schema: dm_meta\n");
    b.append("case-sensitive: false\n");
    b.append("target-database:\n  host: 127.0.0.1\n  port: 4000\n  user: root\n  password: ")
        .append(password.isEmpty() ? "\"\"" : yamlScalar(password)).append('\n');
    b.append("mysql-instances:\n");
    for (String id : sourceIds) {
      b.append("- source-id: ").append(id).append('\n');
      b.append("  block-allow-list: global\n");
    }
    b.append("block-allow-list:\n  global:\n    do-dbs:\n    - \"*\"\n");
    if (task.validation != null) {
      b.append("validators:\n  global:\n    mode: ").append(task.validation.dmName()).append('\n');
    }
    return b.toString();
  }

  private static String yamlScalar(String s) {
    return s.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '-' || ch == '_' || ch == '.')
        ? s : "'" + s.replace("'", "''") + "'";
  }

  /** A source config as {@code SourceConfig.Yaml()} writes it (password obfuscated as get-config does). */
  static String sourceYaml(SimSource source) {
    return "source-id: " + source.id + "\n"
        + "enable-gtid: false\n"
        + "enable-relay: " + source.relay.enabled + "\n"
        + "flavor: mysql\n"
        + "from:\n  host: 127.0.0.1\n  port: 3306\n  user: root\n  password: '******'\n";
  }

  /** A DM-master's TOML. */
  static String masterToml(SimCluster.Master m, Duration rpcTimeout) {
    return "name = " + quoted(m.name) + "\n"
        + "master-addr = " + quoted(m.address) + "\n"
        + "advertise-addr = " + quoted(m.address) + "\n"
        + "rpc-timeout = " + quoted(rpcTimeout.toMillis() % 1000 == 0 ? rpcTimeout.toSeconds() + "s"
            : rpcTimeout.toMillis() + "ms") + "\n";
  }

  /** A DM-worker's TOML. */
  static String workerToml(SimCluster.Worker w) {
    return "name = " + quoted(w.name) + "\n"
        + "worker-addr = " + quoted(w.address) + "\n"
        + "advertise-addr = " + quoted(w.address) + "\n"
        + "keepalive-ttl = 60\n";
  }
}
