package io.dmexporter.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** CRC-32 combination against the JDK's CRC of the concatenation, and a gzip member made of parts. */
class GzipTest {
  private static int crc(byte[] data, int off, int len) {
    CRC32 c = new CRC32();
    c.update(data, off, len);
    return (int) c.getValue();
  }

  @Test
  void combinedCrcIsTheCrcOfTheConcatenation() {
    Random random = new Random(14);
    byte[] data = new byte[300_000];
    random.nextBytes(data);
    int[] cuts = {0, 1, 2, 3, 7, 8, 255, 256, 4096, 65_535, 65_536, 100_001, 299_999, 300_000};
    for (int cut : cuts) {
      for (int end : new int[] {cut, Math.min(data.length, cut + 1), Math.min(data.length, cut + 17), data.length}) {
        int a = crc(data, 0, cut);
        int b = crc(data, cut, end - cut);
        assertEquals(crc(data, 0, end), Gzip.crc32Combine(a, b, end - cut), "cut " + cut + ", end " + end);
      }
    }
    for (int i = 0; i < 2_000; i++) {
      int cut = random.nextInt(data.length);
      int end = cut + random.nextInt(data.length - cut + 1);
      assertEquals(crc(data, 0, end), Gzip.crc32Combine(crc(data, 0, cut), crc(data, cut, end - cut), end - cut));
    }
  }

  @Test
  void combinedCrcOverLongLengths() {
    // 5 GiB of zeros in five 1 GiB parts: the combination must not overflow the length.
    byte[] gib = new byte[1 << 20];
    CRC32 whole = new CRC32();
    int mib = crc(gib, 0, gib.length);
    int part = mib;
    for (int i = 1; i < 1024; i++) {
      part = Gzip.crc32Combine(part, mib, gib.length);
    }
    int all = part;
    for (int i = 1; i < 5; i++) {
      all = Gzip.crc32Combine(all, part, 1L << 30);
    }
    for (int i = 0; i < 5 * 1024; i++) {
      whole.update(gib);
    }
    assertEquals((int) whole.getValue(), all);
  }

  @Test
  void syncFlushedPartThenFinishedPartIsOneMember() throws IOException {
    byte[] first = "first part, cached\n".repeat(5000).getBytes();
    byte[] second = "second part, per scrape\n".repeat(30).getBytes();
    ByteArrayOutputStream member = new ByteArrayOutputStream();
    member.writeBytes(Gzip.header());
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    DeflaterOutputStream out = new DeflaterOutputStream(member, d, 512, true);
    out.write(first);
    out.flush();
    d.end();
    member.writeBytes(Gzip.deflateFinal(second, Deflater.BEST_SPEED));
    member.writeBytes(Gzip.trailer(Gzip.crc32Combine(Gzip.crc(first), Gzip.crc(second), second.length),
        first.length + second.length));
    byte[] expected = new byte[first.length + second.length];
    System.arraycopy(first, 0, expected, 0, first.length);
    System.arraycopy(second, 0, expected, first.length, second.length);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(member.toByteArray()))) {
      assertArrayEquals(expected, in.readAllBytes());
    }
  }
}
