package io.dmexporter.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SeriesValuesTest {
  @Test
  void countsExpandedSamplesBeforeTheFirstStale() {
    assertEquals(-1, SeriesValues.firstStale("1x5 0 2"));
    assertEquals(0, SeriesValues.firstStale("stale 1"));
    assertEquals(6, SeriesValues.firstStale("1x5 stale 1x3"));
    assertEquals(3, SeriesValues.firstStale("_x2 1 stale"));
    assertEquals(11, SeriesValues.firstStale("1000+15x7 -3600-1x1 1 stale"));
  }
}
