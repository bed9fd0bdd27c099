package io.dmexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The page's number formats (status.js has the same functions; the browser test compares the two). */
class PageFormatTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      0             | 0       | 0 B
      709           | 709     | 709 B
      1023.5        | 1,024   | 1,024 B
      1024          | 1,024   | 1.0 KiB
      2734          | 2,734   | 2.7 KiB
      1996.8        | 1,997   | 2.0 KiB
      18455120      | 18,455,120 | 17.6 MiB
      -2048         | -2,048  | -2.0 KiB
      1125899906842624 | 1,125,899,906,842,624 | 1.0 PiB
      """)
  void countsAndSizes(double n, String count, String bytes) {
    assertEquals(count, PageFormat.count(n));
    assertEquals(bytes, PageFormat.bytes(n));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      0.2544   | 2 | 0.25
      25.44    | 2 | 25.44
      30.5249  | 2 | 30.52
      0.005    | 2 | 0.01
      99.999   | 2 | 100.00
      1.25     | 1 | 1.3
      -0.04    | 1 | 0.0
      -1.26    | 1 | -1.3
      """)
  void fixedRoundsHalfUpWithIntegers(double x, int decimals, String text) {
    assertEquals(text, PageFormat.fixed(x, decimals));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      0      | 0 s
      59.9   | 59 s
      60     | 1 min 0 s
      3599   | 59 min 59 s
      3600   | 1 h 0 min
      90061  | 1 d 1 h
      -3     | 0 s
      """)
  void durations(double seconds, String text) {
    assertEquals(text, PageFormat.duration(seconds));
  }

  @Test
  void intervalsTimesAndPlurals() {
    assertEquals("500 ms", PageFormat.interval(0.5));
    assertEquals("1500 ms", PageFormat.interval(1.5));
    assertEquals("15 s", PageFormat.interval(15));
    assertEquals("1 min 30 s", PageFormat.interval(90));
    assertEquals("2026-05-04 12:03:04 UTC", PageFormat.time("2026-05-04T12:03:04.250123Z"));
    assertEquals("2026-05-04 12:03:00 UTC", PageFormat.time("2026-05-04T12:03:00Z"));
    assertNull(PageFormat.time(null));
    assertNull(PageFormat.count(null));
    assertEquals("1 file", PageFormat.plural(1, "file"));
    assertEquals("0 files", PageFormat.plural(0, "file"));
  }
}
