package io.dmexporter.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.dmexporter.model.BinlogPosition;
import io.dmexporter.model.Validation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ParsersTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      25.44 %  | 0.2544
      30.52 %  | 0.3052
      0.00 %   | 0.0
      100.00 % | 1.0
      7 %      | 0.07
      99.99%   | 0.9999
      """)
  void progressRatio(String text, double expected) {
    assertEquals(expected, Parsers.progressRatio(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "%", "abc %", "25.44", "-1.00 %", "NaN %", "25,44 %", "25.44 % extra"})
  void malformedProgressYieldsNothing(String text) {
    assertNull(Parsers.progressRatio(text));
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', textBlock = """
      '(bin.000001, 3234)'              ; bin.000001              ; 1   ; 3234
      '(mysql-bin.000012, 4521)'        ; mysql-bin.000012        ; 12  ; 4521
      '(bin|000001.000001, 3130)'       ; bin|000001.000001       ; 1   ; 3130
      '( bin.000002 ,4 )'               ; bin.000002              ; 2   ; 4
      '(host.example-bin.000123, 0)'    ; host.example-bin.000123 ; 123 ; 0
      '(a.1,007)'                       ; a.1                     ; 1   ; 7
      '(.000001, 1)'                    ; .000001                 ; 1   ; 1
      ' (bin.000001,  2) '              ; bin.000001              ; 1   ; 2
      '(my bin.000001, 2)'              ; my bin.000001           ; 1   ; 2
      """)
  void binlogPosition(String text, String file, long index, long offset) {
    assertEquals(new BinlogPosition(file, index, offset), Parsers.binlogPosition(text));
    assertEquals(new BinlogPosition(file, index, offset), Parsers.binlogPositionByPattern(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "bin.000001, 3234", "(bin.000001 3234)", "(bin.000001)", "(bin, 3234)", "(bin.000001, -5)",
      "(bin.000001, 3234", "(bin.abc, 1)", "(bin.000001, 99999999999999999999999)",
      "(bin.99999999999999999999, 1)", "(bin.000001,)", "(bin.000001, 1 2)", "(bin.١, 1)"})
  void malformedBinlogYieldsNothing(String text) {
    assertNull(Parsers.binlogPosition(text));
    assertNull(Parsers.binlogPositionByPattern(text));
  }

  /** The fast path for DM's usual form and the regular expression agree on strings made of the characters that matter. */
  @org.junit.jupiter.api.Test
  void binlogFastPathAgreesWithThePattern() {
    java.util.Random random = new java.util.Random(14);
    String alphabet = "(),.,  0123456789ab|-_\t\n";
    for (int i = 0; i < 200_000; i++) {
      StringBuilder b = new StringBuilder(i % 3 == 0 ? "(b.0" : "(");
      for (int n = random.nextInt(16); n > 0; n--) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String text = b.append(i % 2 == 0 ? ")" : "").toString();
      assertEquals(Parsers.binlogPositionByPattern(text), Parsers.binlogPosition(text), text);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', textBlock = """
      'insert/update/delete: 8000/900/100' ; 8000 ; 900 ; 100
      'insert/update/delete: 0/0/0'        ; 0    ; 0   ; 0
      ' insert/update/delete:1/2/3 '       ; 1    ; 2   ; 3
      """)
  void validationRows(String text, long insert, long update, long delete) {
    assertEquals(new Validation.RowCounts(insert, update, delete), Parsers.validationRows(text));
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', textBlock = """
      'new/ignored/resolved: 2/1/0'                                                          ; 2 ; 1 ; 0
      'new/ignored/resolved: 3/0/1 (failed to load error count from meta db: context canceled)' ; 3 ; 0 ; 1
      """)
  void validationErrorRows(String text, long newRows, long ignored, long resolved) {
    assertEquals(new Validation.ErrorRowCounts(newRows, ignored, resolved), Parsers.validationErrorRows(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "insert/update/delete: 1/2", "insert/update/delete: -1/0/0", "new/ignored/resolved: 1/2/3",
      "insert/update/delete: 1/2/3 trailing", "insert/update/delete: 99999999999999999999/0/0"})
  void malformedValidationRowsYieldNothing(String text) {
    assertNull(Parsers.validationRows(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "new/ignored/resolved: 1/2", "insert/update/delete: 1/2/3", "new/ignored/resolved: 1/2/3 x"})
  void malformedValidationErrorRowsYieldNothing(String text) {
    assertNull(Parsers.validationErrorRows(text));
  }
}
