package io.dmexporter;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HeapWatchTest {
  @Test
  void warnsWhenAPoolStaysFullAfterACollectionOncePerQuietPeriod() throws Exception {
    LinkedBlockingQueue<String> warnings = new LinkedBlockingQueue<>();
    // A threshold every collection exceeds: whatever survives is "too much".
    try (HeapWatch watch = HeapWatch.start(1e-9, Duration.ofHours(1), warnings::add)) {
      byte[][] survivors = new byte[64][];
      for (int i = 0; i < survivors.length; i++) {
        survivors[i] = new byte[64 * 1024];
      }
      System.gc();
      String warning = warnings.poll(20, TimeUnit.SECONDS);
      assertTrue(warning != null, "no warning after a collection above the threshold");
      assertTrue(warning.contains("raise -Xmx in JAVA_OPTS") && warning.contains("MiB"), warning);
      System.gc();
      assertTrue(warnings.poll(2, TimeUnit.SECONDS) == null, "a second warning within the quiet period");
      assertTrue(survivors[63].length > 0);
    }
  }

  @Test
  void closedItWarnsNoMore() throws Exception {
    LinkedBlockingQueue<String> warnings = new LinkedBlockingQueue<>();
    HeapWatch watch = HeapWatch.start(1e-9, Duration.ZERO, warnings::add);
    System.gc();
    assertTrue(warnings.poll(20, TimeUnit.SECONDS) != null, "open: it warns");
    watch.close();
    warnings.clear();
    System.gc();
    assertTrue(warnings.poll(2, TimeUnit.SECONDS) == null, "closed: no more warnings");
  }
}
