package io.dmexporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PromQlLintTest {
  /** Queries the dashboard had or could have, each wrong in one of the ways the lint knows. */
  @ParameterizedTest
  @ValueSource(strings = {
      // two exporters: Running (2) + Running (2) = 4, "Stopped"
      "sum by (task) (dm_task_status{status=\"New\"} * 1 or dm_task_status{status=\"Running\"} * 2)",
      "sum(dm_subtask_stage{stage=\"Running\"} * 2) by (task)",
      "avg without (stage) (dm_source_relay_stage)",
      "sum by (stage) (dm_cluster_worker_stage) + sum (dm_subtask_unit == 1)",
      // a rate of a gauge
      "rate(dm_subtask_sync_rows_per_second[5m])",
      "max by (task) (increase(dm_cluster_worker_info[1h]))",
      // nothing but zeros
      "max by (task) (dm_subtask_unit == 1) * 0",
      "max(dm_task_subtasks) * 0 or max(dm_source_up) * 0",
  })
  void flagsQueriesThatCannotShowWhatTheyClaim(String expr) {
    assertEquals(1, PromQlLint.problems(expr).size(), expr + ": " + PromQlLint.problems(expr));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "max by (task) (dm_task_status{status=\"New\"} * 1 or dm_task_status{status=\"Running\"} * 2)",
      "sum by (stage) (max by (worker, stage) (dm_cluster_worker_stage))",
      "sum without (worker) (dm_cluster_worker_stage)",
      "sum by (task) (max by (task, source_id) (dm_subtask_dump_bytes_per_second))"
          + " or max by (task) (dm_subtask_unit == 1) * 0",
      "sum by (address, role, reason) (rate(dm_exporter_target_poll_errors_total[$__rate_interval]))",
      "sum by (task, source_id) (max by (task, source_id, op) (dm_subtask_validation_rows))",
      "max by (instance) (up{job=~\"$job\"})",
  })
  void acceptsSoundQueries(String expr) {
    assertEquals(List.of(), PromQlLint.problems(expr), expr);
  }
}
