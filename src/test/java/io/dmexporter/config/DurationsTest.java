package io.dmexporter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({"500ms,500", "15s,15000", "1m,60000", "1m30s,90000", "2h,7200000", "1d,86400000", "1w,604800000",
      "1h1m1s1ms,3661001", "0s,0"})
  void parsesPrometheusDurations(String text, long millis) {
    assertEquals(Duration.ofMillis(millis), Durations.parse(text));
    assertEquals(Duration.ofMillis(millis), Durations.parse(Durations.format(Duration.ofMillis(millis))), "format round-trips");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "15", "abc", "1.5s", "-1s", "1s1m", "15 s", "1msx", "99999999999999999999y"})
  void rejectsOthers(String text) {
    assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
  }

  @ParameterizedTest
  @CsvSource({"dm-master:8261,dm-master,8261", "127.0.0.1:1,127.0.0.1,1", "[::1]:8262,::1,8262"})
  void parsesEndpoints(String text, String host, int port) {
    assertEquals(new HostPort(host, port), HostPort.parseEndpoint(text));
  }

  @ParameterizedTest
  @CsvSource({":9263,'',9263", "127.0.0.1:0,127.0.0.1,0", "[::]:9263,::,9263"})
  void parsesListenAddresses(String text, String host, int port) {
    assertEquals(new HostPort(host, port), HostPort.parseListen(text));
  }
}
