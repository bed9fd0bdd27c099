package io.dmexporter.web;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** HTML escaping and URL path segments for text that may come from DM or the command line. */
public final class Html {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private Html() {}

  /** Escapes the five characters that matter in HTML text and attribute values. */
  public static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * {@code s} as one URL path segment: every UTF-8 byte but RFC 3986's unreserved characters
   * percent-encoded (what status.js writes, so both renderings link alike).
   */
  public static String pathSegment(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        b.append((char) c);
      } else {
        b.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
      }
    }
    return b.toString();
  }

  /**
   * Decodes a percent-encoded path segment ({@code +} stays a plus); null when it is malformed
   * (a bad escape or bytes that are not UTF-8).
   */
  public static String decodePathSegment(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < utf8.length; i++) {
      if (utf8[i] != '%') {
        out.write(utf8[i]);
        continue;
      }
      if (i + 2 >= utf8.length) {
        return null;
      }
      int hi = Character.digit(utf8[i + 1], 16);
      int lo = Character.digit(utf8[i + 2], 16);
      if (hi < 0 || lo < 0) {
        return null;
      }
      out.write(hi << 4 | lo);
      i += 2;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(out.toByteArray())).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }
}
