package io.dmexporter.web;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One gzip member (RFC 1952) made of raw deflate parts: every part but the last ends with a sync
 * flush (byte-aligned, no final block), the last with the final block, so the parts concatenate
 * into one deflate stream. The CRC-32 of the whole is combined from the parts' own CRCs, so a
 * cached part is never read again to compute it.
 */
final class Gzip {
  /** ID1 ID2, CM = deflate, no flags, no modification time, no extra flags, OS = unknown. */
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  /** The reflected CRC-32 polynomial of gzip and zlib. */
  private static final int POLY = 0xedb88320;
  /** x^(2^k) modulo the polynomial, for k = 0..31. */
  private static final int[] X2N = new int[32];

  static {
    int p = 1 << 30; // x^1
    X2N[0] = p;
    for (int k = 1; k < 32; k++) {
      p = multiplyModP(p, p);
      X2N[k] = p;
    }
  }

  private Gzip() {}

  /** The 10-byte member header. */
  static byte[] header() {
    return HEADER.clone();
  }

  /** The 8-byte member trailer: CRC-32 and length of the uncompressed data (mod 2^32), little-endian. */
  static byte[] trailer(int crc, long length) {
    int size = (int) length;
    return new byte[] {(byte) crc, (byte) (crc >>> 8), (byte) (crc >>> 16), (byte) (crc >>> 24),
        (byte) size, (byte) (size >>> 8), (byte) (size >>> 16), (byte) (size >>> 24)};
  }

  /** A last part: {@code data} deflated by a fresh deflater and finished (final block). */
  static byte[] deflateFinal(byte[] data, int level) {
    Deflater deflater = new Deflater(level, true);
    try {
      deflater.setInput(data);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
      byte[] buffer = new byte[8192];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  /** CRC-32 of {@code data}. */
  static int crc(byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(data);
    return (int) crc.getValue();
  }

  /**
   * The CRC-32 of A followed by B from the CRC-32 of A, that of B and B's length (zlib's
   * {@code crc32_combine}): crc(A·B) = crc(A)·x^(8·len(B)) + crc(B) modulo the polynomial.
   */
  static int crc32Combine(int crcA, int crcB, long lengthB) {
    return multiplyModP(x2nModP(lengthB, 3), crcA) ^ crcB;
  }

  /** a·b modulo the polynomial, in the reflected bit order of CRC-32. */
  private static int multiplyModP(int a, int b) {
    int m = 1 << 31;
    int p = 0;
    while (true) {
      if ((a & m) != 0) {
        p ^= b;
        if ((a & (m - 1)) == 0) {
          return p;
        }
      }
      m >>>= 1;
      b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1;
    }
  }

  /** x^(n·2^k) modulo the polynomial. */
  private static int x2nModP(long n, int k) {
    int p = 1 << 31; // x^0
    while (n != 0) {
      if ((n & 1) != 0) {
        p = multiplyModP(X2N[k & 31], p);
      }
      n >>>= 1;
      k++;
    }
    return p;
  }
}
