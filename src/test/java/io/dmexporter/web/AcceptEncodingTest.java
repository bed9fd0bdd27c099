package io.dmexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Accept-Encoding with RFC 9110 weights: q=0 refuses, an explicit entry beats the wildcard. */
class AcceptEncodingTest {
  @ParameterizedTest(name = "''{0}'' → gzip {1}")
  @CsvSource(delimiter = '|', value = {
      "gzip|true",
      "GZip|true",
      "gzip;q=0|false",
      "gzip; q=0.0, identity|false",
      "gzip;q=0.001|true",
      "br, gzip;q=0.5|true",
      "deflate, br|false",
      "identity|false",
      "*|true",
      "*;q=0|false",
      "*;q=0, gzip|true",
      "gzip;q=0, *|false",
      "gzip;q=abc|false",
      "''|false",
  })
  void gzipOnlyWhenAcceptable(String header, boolean gzip) {
    assertEquals(gzip, Routes.acceptsGzip(HttpFields.build().add(HttpHeader.ACCEPT_ENCODING, header)));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"gzip;q=0|br|false", "identity|gzip|true"})
  void repeatedHeadersCountTogether(String first, String second, boolean gzip) {
    assertEquals(gzip, Routes.acceptsGzip(HttpFields.build()
        .add(HttpHeader.ACCEPT_ENCODING, first).add(HttpHeader.ACCEPT_ENCODING, second)));
  }
}
