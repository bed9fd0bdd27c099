package io.dmexporter.poll;

import static io.dmexporter.testing.Scrape.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.TextFormat;
import io.dmexporter.Exporter;
import io.dmexporter.config.HostPort;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.poll.PollSettings.QueryMode;
import io.dmexporter.testing.FakeDm;
import io.dmexporter.testing.Scrape;
import io.dmexporter.testing.Seed;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Values DM's meaning forbids (negative counters and counts, NaN and infinite estimates, a uint64
 * past 2^63) never fail a scrape: {@code /metrics} answers 200, with no series for those values and
 * every other series of the same answer, and of the other workers, intact.
 */
class BadValuesTest {
  @Test
  void badValuesNeverFailAScrape() throws Exception {
    QueryStatusResponse.Builder bad = QueryStatusResponse.newBuilder();
    TextFormat.merge(Files.readString(Path.of("src/test/resources/golden/bad-values.textproto")), bad);
    try (FakeDm master = FakeDm.start(); FakeDm w1 = FakeDm.start(); FakeDm w2 = FakeDm.start()) {
      w1.workerStatus = bad.build();
      w2.workerStatus = Seed.workers().get("worker2");
      master.members = Seed.members(new String[][] {{"master1", master.address()}},
          new String[] {"worker1", w1.address(), "bound", "mysql-replica-01"},
          new String[] {"worker2", w2.address(), "bound", "mysql-replica-02"});
      try (Exporter exporter = Exporter.start(new Exporter.Settings(
          new PollSettings(QueryMode.WORKERS, List.of(master.address()), List.of(), Duration.ofHours(1), Duration.ofSeconds(2)),
          HostPort.parseListen("127.0.0.1:0"), "/metrics"), Clock.systemUTC())) {
        exporter.poller().runCycle();
        for (String accept : List.of("text/plain", "application/openmetrics-text; version=1.0.0")) {
          HttpResponse<String> r = Scrape.get(exporter.port(), "/metrics", accept);
          assertEquals(200, r.statusCode(), accept);
        }
        Map<String, Double> m = Scrape.metrics(exporter.port());
        String[] orders = {"task", "orders", "source_id", "mysql-replica-01", "worker", "worker1"};
        assertNull(m.get(series("dm_subtask_sync_rows_total", orders)), "totalRows -5");
        assertNull(m.get(series("dm_subtask_sync_rows_per_second", orders)), "recentRps -1");
        assertNull(m.get(series("dm_subtask_sync_seconds_behind_master", orders)), "secondsBehindMaster -3");
        assertNull(m.get(series("dm_subtask_sync_io_bytes_total", with(orders, "direction", "downstream"))), "2^64-1");
        assertEquals(3, m.get(series("dm_subtask_sync_average_rows_per_second", orders)));
        assertEquals(10, m.get(series("dm_subtask_sync_io_bytes_total", with(orders, "direction", "upstream"))));
        String[] dumps = {"task", "dumps", "source_id", "mysql-replica-01", "worker", "worker1"};
        assertNull(m.get(series("dm_subtask_dump_completed_tables", dumps)), "NaN");
        assertNull(m.get(series("dm_subtask_dump_finished_bytes", dumps)), "+Inf");
        assertNull(m.get(series("dm_subtask_dump_estimated_total_rows", dumps)), "negative estimate");
        assertEquals(32, m.get(series("dm_subtask_dump_finished_rows", dumps)));
        assertEquals(1, m.get(series("dm_subtask_unit", with(dumps, "unit", "Dump"))));
        // the other worker's answer is whole
        assertEquals(0.2544, m.get(series("dm_subtask_load_progress_ratio", "task", "test", "source_id", "mysql-replica-02",
            "worker", "worker2")));
        assertEquals(1, m.get(series("dm_task_status", "task", "test2", "status", "Paused")));
      }
    }
  }

  private static String[] with(String[] labels, String... more) {
    String[] out = java.util.Arrays.copyOf(labels, labels.length + more.length);
    System.arraycopy(more, 0, out, labels.length, more.length);
    return out;
  }
}
