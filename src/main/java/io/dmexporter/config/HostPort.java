package io.dmexporter.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@code host:port} address ({@code [v6]:port} for IPv6); host may be empty only for listening. */
public record HostPort(String host, int port) {
  private static final Pattern FORMAT = Pattern.compile("(\\[[0-9A-Fa-f:.%a-zA-Z]+]|[^:\\[\\]\\s/]*):(\\d{1,5})");

  /** Parses a DM endpoint: host and port 1..65535 required. */
  public static HostPort parseEndpoint(String text) {
    HostPort hp = parse(text, false);
    if (hp.host.isEmpty() || hp.port == 0) {
      throw new IllegalArgumentException("'" + text + "' is not a HOST:PORT address (e.g. dm-master:8261)");
    }
    return hp;
  }

  /** Parses a listen address: {@code :9263} listens on all interfaces, port 0 picks a free port. */
  public static HostPort parseListen(String text) {
    return parse(text, true);
  }

  private static HostPort parse(String text, boolean listen) {
    String s = text == null ? "" : text.trim();
    Matcher m = FORMAT.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a " + (listen ? "[HOST]:PORT" : "HOST:PORT") + " address");
    }
    int port = Integer.parseInt(m.group(2));
    if (port > 65535) {
      throw new IllegalArgumentException("'" + text + "' has a port outside 0-65535");
    }
    String host = m.group(1);
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    return new HostPort(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
