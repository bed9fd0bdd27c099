package io.dmexporter.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dmexporter.model.BinlogPosition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BinlogGapTest {

  @ParameterizedTest(name = "{0} - {1} = {2} files, {3} bytes")
  @CsvSource(delimiter = ';', textBlock = """
      # master                ; syncer                  ; files ; bytes ; none
      (bin.000001, 3234)      ; (bin.000001, 2525)      ; 0     ; 709   ; false
      (bin.000001, 3234)      ; (bin.000001, 3234)      ; 0     ; 0     ; true
      (bin.000003, 120)       ; (bin.000001, 2525)      ; 2     ;       ; false
      (bin|000001.000004, 4)  ; (bin|000001.000002, 9)  ; 2     ;       ; false
      # a syncer DM reports ahead of the master (a stale master position) is shown as it is
      (bin.000001, 100)       ; (bin.000001, 300)       ; 0     ; -200  ; false
      """)
  void subtractsFileIndexesAndOffsetsWithinAFile(String master, String syncer, long files, Long bytes, boolean none) {
    BinlogGap gap = BinlogGap.between(Parsers.binlogPosition(master), Parsers.binlogPosition(syncer));
    assertEquals(new BinlogGap(files, bytes), gap);
    assertEquals(none, gap.none());
  }

  @org.junit.jupiter.api.Test
  void unknownWhenEitherPositionIs() {
    BinlogPosition p = new BinlogPosition("bin.000001", 1, 4);
    assertEquals(null, BinlogGap.between(null, p));
    assertEquals(null, BinlogGap.between(p, null));
  }
}
