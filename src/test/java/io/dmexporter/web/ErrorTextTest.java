package io.dmexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the endpoints show of DM's error text: DM's real messages, scrubbed of their data. */
class ErrorTextTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
      Error 1062: Duplicate entry 'alice@example.com' for key 'users.email' | Error 1062: Duplicate entry '?' for key '?'
      [code=10006:class=database:scope=not-set:level=high], Message: execute statement failed: commit | [code=10006:class=database:scope=not-set:level=high], Message: execute statement failed: commit
      INSERT INTO `shop`.`orders` (`id`,`card`) VALUES (42,'4111 1111 1111 1111') | INSERT INTO `shop`.`orders` (`id`,`card`) VALUES (?,'?')
      Data too long for column 'name' at row 17 | Data too long for column '?' at row ?
      Incorrect datetime value: "2024-02-30 10:00:00" for column 'paid_at' | Incorrect datetime value: "?" for column '?'
      value 'quoted \\' and '' doubled' here | value '?' here
      Duplicate entry 'cut off at the end | Duplicate entry '?'
      UPDATE t SET b = 0x1F2E, c = X'ABCD', d = -3.5e10 WHERE e = 7 | UPDATE t SET b = ?, c = X'?', d = ? WHERE e = ?
      binlog (mysql-bin.000012, 4521) on t1 and 3ccc475b-2343-11e7 from 10.0.0.7 | binlog (mysql-bin.?, ?) on t1 and ?-?-? from ?
      errno 1045 Access denied for user 'dm'@'10.0.0.7' | errno 1045 Access denied for user '?'@'?'
      x=100sccode=1lc7615 code=0x1F | x=?=? code=?
      """)
  void scrubRemovesLiteralsAndKeepsTheShape(String dm, String shown) {
    assertEquals(shown, ErrorText.SCRUB.apply(dm));
  }

  @Test
  void showAndHide() {
    String dm = "Error 1062: Duplicate entry 'alice' for key 'PRIMARY'";
    assertEquals(dm, ErrorText.SHOW.apply(dm));
    assertEquals(ErrorText.HIDDEN, ErrorText.HIDE.apply(dm));
    for (ErrorText policy : ErrorText.values()) {
      assertNull(policy.apply(null), "absent stays absent");
      assertEquals("", policy.apply(""), "empty stays empty");
      assertFalse(policy != ErrorText.SHOW && policy.apply(dm).contains("alice"), policy.name());
    }
  }

  @ParameterizedTest
  @CsvSource({"localhost,true", "LOCALHOST,true", "127.0.0.1,true", "127.1.2.3,true", "::1,true", "[::1],true",
      "0:0:0:0:0:0:0:1,true", "'',false", "0.0.0.0,false", "::,false", "10.0.0.7,false", "dm-exporter,false",
      "localhost.example.com,false", "999.1.1.1,false", "fe80::1,false"})
  void loopbackOnlyIsDecidedWithoutDns(String host, boolean loopback) {
    assertEquals(loopback, ErrorText.loopbackOnly(host));
  }

  @Test
  void longTextsScrubInLinearTimeWithoutRecursion() {
    // Found by fuzzing: a regular expression overflowed the stack on a quote of a few thousand escapes.
    String sql = "INSERT INTO t VALUES ('" + "a\\'b".repeat(200_000) + "', " + "1".repeat(100_000) + ")";
    assertEquals("INSERT INTO t VALUES ('?', ?)", ErrorText.SCRUB.apply(sql));
  }
}
