package io.dmexporter.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.dm.ChannelPool;
import io.dmexporter.dm.DmClient;
import io.dmexporter.model.Snapshot;
import io.dmexporter.model.Source;
import io.dmexporter.model.TargetHealth;
import io.dmexporter.poll.PollSettings;
import io.dmexporter.poll.Poller;
import io.grpc.InsecureChannelCredentials;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar's simulator with 1,000 workers × 5 subtasks in its own JVM: it starts and a
 * full poll (ListMember + 1,000 concurrent Worker/QueryStatus) gets every worker's answer.
 * Timing is printed for the record, not asserted tightly (scripts/bench measures it).
 */
class SimulateScaleIT {
  @Test
  void thousandWorkersStartAndAllAnswerAFullPoll() throws Exception {
    String jar = System.getProperty("dm.exporter.jar");
    assertNotNull(jar, "run through 'mvn verify' (system property dm.exporter.jar)");
    assertTrue(Files.isRegularFile(Path.of(jar)), "build the jar first: mvn -DskipTests package (" + jar + ")");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-jar", jar, "simulate",
        "--workers", "1000", "--subtasks-per-worker", "5").redirectErrorStream(true).start();
    try {
      long began = System.nanoTime();
      Map<String, String> lines = readBanner(p);
      double startSeconds = (System.nanoTime() - began) / 1e9;
      List<String> masters = List.of(lines.get("masters").split(","));
      assertEquals(1000, lines.get("workers").split(",").length);
      assertTrue(startSeconds < 60, "started in " + startSeconds + " s");

      try (ChannelPool channels = new ChannelPool(InsecureChannelCredentials.create(), null);
          Poller poller = new Poller(new PollSettings(PollSettings.QueryMode.WORKERS, masters, List.of(),
          Duration.ofSeconds(60), Duration.ofSeconds(30)), new DmClient(channels), Clock.systemUTC())) {
        Snapshot s = poller.runCycle();
        System.out.printf("simulate 1000x5: ready after %.2f s (JVM start included); full poll %.2f s%n",
            startSeconds, s.durationSeconds());
        assertEquals(1001, s.targets().size());
        assertTrue(s.targets().stream().allMatch(TargetHealth::up),
            s.targets().stream().filter(t -> !t.up()).limit(3).toList().toString());
        assertEquals(1000, s.sources().stream().filter(Source::up).count());
        assertEquals(5000, s.subtasks().size());
        assertEquals(5, s.tasks().size());
      }
    } finally {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /** Reads the banner until the {@code control} line; fails with the output if the process dies first. */
  private static Map<String, String> readBanner(Process p) throws Exception {
    Map<String, String> out = new HashMap<>();
    StringBuilder all = new StringBuilder();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = r.readLine()) != null) {
      all.append(line).append('\n');
      int sp = line.indexOf(' ');
      if (sp > 0) {
        out.put(line.substring(0, sp), line.substring(sp + 1));
      }
      if (line.startsWith("control ")) {
        return out;
      }
    }
    throw new AssertionError("simulate exited before it was ready:\n" + all);
  }
}
