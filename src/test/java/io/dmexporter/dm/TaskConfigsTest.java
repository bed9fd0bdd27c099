package io.dmexporter.dm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dmexporter.testing.Seed;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Source ids out of DM-master's task configs: YAML from ListTaskConfigs, TOML from GetSubTaskCfg. */
class TaskConfigsTest {
  private static final Map<String, List<String>> TASKS = Map.of("orders", List.of("mysql-replica-01", "mysql-replica-02"));

  @Test
  void readsTheSourcesOfATaskConfig() {
    String yaml = Seed.taskConfigs(TASKS).getTaskConfigsMap().get("orders");
    assertEquals(Set.of("mysql-replica-01", "mysql-replica-02"), TaskConfigs.sourcesOfTaskYaml(yaml));
  }

  @Test
  void readsTheTopLevelSourceOfEachSubtaskConfig() {
    List<String> toml = Seed.subtaskConfigs(TASKS).get("orders");
    assertEquals(Set.of("mysql-replica-01", "mysql-replica-02"), TaskConfigs.sourcesOfSubtaskToml(toml));
  }

  @Test
  void aSourceIdInsideATableIsNotTheSubtasksSource() {
    String toml = "name = \"orders\"\n[from]\nsource-id = \"elsewhere\"\n";
    assertThrows(IllegalArgumentException.class, () -> TaskConfigs.sourcesOfSubtaskToml(List.of(toml)));
  }

  @Test
  void unreadableConfigsAreErrorsNotEmptyTasks() {
    assertThrows(IllegalArgumentException.class, () -> TaskConfigs.sourcesOfTaskYaml("name: [unclosed"));
    assertThrows(IllegalArgumentException.class, () -> TaskConfigs.sourcesOfTaskYaml("name: orders\n"));
  }

  @Test
  void aConfigThatDoesNotParseIsNeverQuoted() {
    String yaml = "name: orders\ntarget-database:\n  password: \"hunter2\"\n  user: [root\n";
    var e = assertThrows(IllegalArgumentException.class, () -> TaskConfigs.sourcesOfTaskYaml(yaml));
    org.junit.jupiter.api.Assertions.assertFalse(e.getMessage().contains("hunter2") || e.getMessage().contains("root"),
        "task configs hold database passwords: " + e.getMessage());
    org.junit.jupiter.api.Assertions.assertNull(e.getCause(), "nor is the parser's exception, which quotes it, kept");
  }
}
