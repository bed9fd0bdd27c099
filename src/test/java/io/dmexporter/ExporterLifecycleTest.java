package io.dmexporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dmexporter.config.HostPort;
import io.dmexporter.dm.TlsSettings;
import io.dmexporter.poll.PollSettings;
import io.dmexporter.poll.PollSettings.QueryMode;
import io.dmexporter.web.WebConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exporter closes what it created, also when it cannot start. */
class ExporterLifecycleTest {
  @TempDir Path dir;

  private static long threads(String name) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals(name)).count();
  }

  @Test
  void aListenAddressInUseLeavesNothingRunning() throws Exception {
    WebConfig web = WebConfig.load(Files.writeString(dir.resolve("web.yml"), "rate_limit:\n  interval: 1s\n  burst: 5\n"));
    long pollers = threads("dm-poller");
    long watchers = threads("web-config");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      PollSettings poll = new PollSettings(QueryMode.STATIC, List.of(), List.of("127.0.0.1:1"), Duration.ofHours(1),
          Duration.ofSeconds(1));
      assertThrows(IOException.class, () -> Exporter.start(new Exporter.Settings(poll,
          HostPort.parseListen("127.0.0.1:" + taken.getLocalPort()), "/metrics", TlsSettings.NONE, web), Clock.systemUTC()));
    }
    assertEquals(pollers, threads("dm-poller"), "no poller left running");
    assertEquals(watchers, threads("web-config"), "no web config watcher left running");
  }
}
