package io.dmexporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GrafanaTemplateTest {
  @Test
  void singleValueIsEscapedForARegexMatcher() {
    assertEquals("m{task=~\"a\\\\.b\"}",
        GrafanaTemplate.interpolate("m{task=~\"$task\"}", Map.of("task", List.of("a.b"))));
  }

  @Test
  void severalValuesBecomeAnAlternation() {
    assertEquals("m{task=~\"(t1|t2)\", source_id=~\"s\"}",
        GrafanaTemplate.interpolate("m{task=~\"${task}\", source_id=~\"[[source_id]]\"}",
            Map.of("task", List.of("t1", "t2"), "source_id", List.of("s"))));
  }

  @Test
  void builtInIntervalsBecomeDurations() {
    assertEquals("rate(x[15s]) + y[5m]",
        GrafanaTemplate.interpolate("rate(x[$__rate_interval]) + y[$__range]", Map.of()));
  }

  @Test
  void unknownVariableIsAnError() {
    assertThrows(IllegalArgumentException.class,
        () -> GrafanaTemplate.interpolate("m{task=~\"$tsak\"}", Map.of("task", List.of("t"))));
  }
}
