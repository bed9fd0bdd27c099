package io.dmexporter.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.dmexporter.model.BinlogPosition;
import java.nio.charset.StandardCharsets;

/**
 * Random text through the parsers of DM's progress, binlog and validation strings: they never
 * throw, and what they return is a value a metric may hold. Inputs:
 * {@code src/test/resources/io/dmexporter/status/ParsersFuzzTestInputs}.
 */
class ParsersFuzzTest {
  @FuzzTest
  void dmStrings(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    Double ratio = Parsers.progressRatio(text);
    assertTrue(ratio == null || ratio >= 0, "a ratio is not negative or NaN: " + ratio);
    BinlogPosition p = Parsers.binlogPosition(text);
    assertTrue(p == null || p.fileIndex() >= 0 && p.offset() >= 0 && !p.file().isEmpty(), String.valueOf(p));
    assertEquals(Parsers.binlogPositionByPattern(text), p, "the fast path agrees with the regular expression");
    var rows = Parsers.validationRows(text);
    assertTrue(rows == null || rows.insert() >= 0 && rows.update() >= 0 && rows.delete() >= 0, String.valueOf(rows));
    var errors = Parsers.validationErrorRows(text);
    assertTrue(errors == null || errors.newRows() >= 0 && errors.ignored() >= 0 && errors.resolved() >= 0, String.valueOf(errors));
  }
}
