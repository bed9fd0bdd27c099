package io.dmexporter.web;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** IP address literals, parsed without ever asking DNS. */
final class IpLiteral {
  private IpLiteral() {}

  /** The address {@code text} spells (IPv4 dotted, IPv6, IPv6 in brackets), or null when it is no IP literal. */
  static InetAddress parse(String text) {
    String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    try {
      if (t.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
        byte[] octets = new byte[4];
        String[] parts = t.split("\\.");
        for (int i = 0; i < 4; i++) {
          int v = Integer.parseInt(parts[i]);
          if (v > 255) {
            return null;
          }
          octets[i] = (byte) v;
        }
        return InetAddress.getByAddress(octets);
      }
      if (t.contains(":") && t.matches("[0-9A-Fa-f:][0-9A-Fa-f:.]*")) {
        return InetAddress.getByName(t); // starting so and with a colon: an IPv6 literal or an error, never DNS
      }
    } catch (UnknownHostException e) {
      return null;
    }
    return null; // a host name: getByName would look it up
  }
}
