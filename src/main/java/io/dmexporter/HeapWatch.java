package io.dmexporter;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns when the heap's long-lived pool is still nearly full after a collection: the fleet has
 * outgrown {@code -Xmx}, and the next step is an {@link OutOfMemoryError} (which ends the JVM).
 * The JVM itself watches the threshold and reports every collection above it; the warning comes
 * at most once per {@code quiet} period.
 */
public final class HeapWatch implements AutoCloseable {
  /** Warn when a pool holds more than this share of its maximum right after a collection. */
  public static final double THRESHOLD = 0.8;
  /** At most one warning in this time. */
  public static final Duration QUIET = Duration.ofHours(1);
  private static final Logger log = LoggerFactory.getLogger(HeapWatch.class);

  private final NotificationEmitter emitter = (NotificationEmitter) ManagementFactory.getMemoryMXBean();
  private final NotificationListener listener;

  private HeapWatch(NotificationListener listener) {
    this.listener = listener;
  }

  /** Watches every heap pool that has a maximum and reports its usage after collections. */
  public static HeapWatch start(double threshold, Duration quiet, Consumer<String> warn) {
    List<String> watched = new ArrayList<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      long max = pool.getUsage().getMax();
      if (pool.getType() == MemoryType.HEAP && max > 0 && pool.isCollectionUsageThresholdSupported()) {
        pool.setCollectionUsageThreshold(Math.max(1, (long) (max * threshold)));
        watched.add(pool.getName());
      }
    }
    long xmx = Runtime.getRuntime().maxMemory() >> 20;
    AtomicLong nextWarning = new AtomicLong(System.nanoTime());
    NotificationListener listener = (Notification n, Object handback) -> {
      if (!MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED.equals(n.getType())
          || !(n.getUserData() instanceof CompositeData data)) {
        return;
      }
      MemoryNotificationInfo info = MemoryNotificationInfo.from(data);
      long now = System.nanoTime();
      long next = nextWarning.get();
      if (!watched.contains(info.getPoolName()) || now - next < 0
          || !nextWarning.compareAndSet(next, now + quiet.toNanos())) {
        return;
      }
      warn.accept(String.format("heap pool '%s' holds %d of its %d MiB right after a collection (heap -Xmx %d MiB):"
              + " the fleet needs a larger heap; raise -Xmx in JAVA_OPTS (docs/performance.md, Sizing)"
              + " before it ends in OutOfMemoryError", info.getPoolName(), info.getUsage().getUsed() >> 20,
          info.getUsage().getMax() >> 20, xmx));
    };
    HeapWatch watch = new HeapWatch(listener);
    watch.emitter.addNotificationListener(listener, null, null);
    return watch;
  }

  /** Logs the warning at WARN. */
  public static HeapWatch start() {
    return start(THRESHOLD, QUIET, log::warn);
  }

  @Override
  public void close() {
    try {
      emitter.removeNotificationListener(listener);
    } catch (ListenerNotFoundException e) {
      // already removed
    }
  }
}
