package io.dmexporter;

import static io.dmexporter.testing.Scrape.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.testing.Scrape;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code target/dm-exporter/bin/dm-exporter --demo}, as the README's first command runs it (the
 * launcher, with the flags of conf/jvm.options and the JVM of this test): the seed's
 * values on /metrics within seconds, then the stages change as the demo cluster lives (its clock
 * runs 10 times faster here, so ten demo minutes take a minute).
 */
class DemoCommandIT {
  private Process process;
  private Path log;

  @AfterEach
  void stop() throws Exception {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static String[] st(int source, String... more) {
    String[] base = {"task", "test", "source_id", "mysql-replica-0" + source, "worker", "worker" + source};
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  /** Scrapes until {@code condition} holds or {@code seconds} pass; returns the last scrape. */
  private Map<String, Double> awaitMetrics(int port, double seconds, Predicate<Map<String, Double>> condition)
      throws Exception {
    long until = System.nanoTime() + (long) (seconds * 1e9);
    Map<String, Double> m = Map.of();
    while (System.nanoTime() < until) {
      assertTrue(process.isAlive(), "the demo exited:\n" + Files.readString(log));
      try {
        m = Scrape.metrics(port);
        if (condition.test(m)) {
          return m;
        }
      } catch (java.io.IOException notListeningYet) {
        // keep waiting
      }
      Thread.sleep(200);
    }
    throw new AssertionError("condition not met in " + seconds + " s; last scrape had " + m.size()
        + " series; log:\n" + Files.readString(log));
  }

  @Test
  void demoShowsTheSeedThenLives() throws Exception {
    String launcher = System.getProperty("dm.exporter.launcher");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    log = Files.createTempFile("demo", ".log");
    long began = System.nanoTime();
    ProcessBuilder command = new ProcessBuilder(launcher, "--demo", "--demo.speed=10", "--poll.interval=500ms",
        "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true).redirectOutput(log.toFile());
    command.environment().put("JAVA_HOME", System.getProperty("java.home"));
    command.environment().remove("JAVA_OPTS");
    process = command.start();

    // A cycle in which a worker missed the short deadline counts its subtask as unknown: wait for all four.
    Map<String, Double> m = awaitMetrics(port, 20,
        x -> Double.valueOf(4).equals(x.get(series("dm_task_subtasks", "task", "test"))));
    System.out.printf("demo: seed values on /metrics %.1f s after start%n", (System.nanoTime() - began) / 1e9);
    assertEquals(1, m.get(series("dm_task_status", "task", "test", "status", "Error")));
    assertEquals(1, m.get(series("dm_task_error_reason", "task", "test", "reason", "subtask_error")));
    assertEquals(1, m.get(series("dm_task_status", "task", "test2", "status", "Paused")));
    assertEquals(1, m.get(series("dm_subtask_unit", st(1, "unit", "Sync"))));
    assertEquals(1, m.get(series("dm_subtask_unresolved_ddl_lock", st(1))));
    assertEquals(1, m.get(series("dm_subtask_sync_blocking_ddls", st(1))));
    assertEquals(1, m.get(series("dm_subtask_unit", st(2, "unit", "Load"))));
    assertEquals(1, m.get(series("dm_subtask_stage", st(3, "stage", "Paused"))));
    assertEquals(1, m.get(series("dm_subtask_error_info", st(3, "code", "10006", "class", "database",
        "scope", "downstream", "level", "high"))));
    assertEquals(1, m.get(series("dm_subtask_unit", st(4, "unit", "Dump"))));
    String text = Files.readString(log);
    assertTrue(text.contains("/metrics") && text.contains("control API"), "the log says where to look:\n" + text);

    // 5 demo minutes: every load done, the errored one resumed, the DDL lock resolved.
    awaitMetrics(port, 90, x -> List.of(1, 2, 3).stream()
        .allMatch(i -> Double.valueOf(1).equals(x.get(series("dm_subtask_unit", st(i, "unit", "Sync"))))
            && Double.valueOf(1).equals(x.get(series("dm_subtask_stage", st(i, "stage", "Running")))))
        && Double.valueOf(0).equals(x.get(series("dm_subtask_unresolved_ddl_lock", st(1)))));
    // 6.5 demo minutes: the relay under the running Sync is paused and the task says so.
    awaitMetrics(port, 90, x -> Double.valueOf(1).equals(
        x.get(series("dm_task_error_reason", "task", "test", "reason", "relay_paused"))));
    System.out.printf("demo: stages changed as expected within %.1f s%n", (System.nanoTime() - began) / 1e9);
  }
}
