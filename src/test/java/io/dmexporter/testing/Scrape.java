package io.dmexporter.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the Prometheus text exposition over real HTTP into series → value, where a series is
 * written {@code name{a="1",b="2"}} with labels sorted, so tests can look values up by name and labels.
 */
public final class Scrape {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Scrape() {}

  public static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET with an {@code Accept} header. */
  public static HttpResponse<String> get(int port, String path, String accept) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Accept", accept)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Fetches and parses {@code /metrics}. */
  public static Map<String, Double> metrics(int port) throws IOException, InterruptedException {
    HttpResponse<String> r = get(port, "/metrics");
    if (r.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + r.statusCode());
    }
    return parse(r.body());
  }

  /** Parses text exposition lines (comments skipped). */
  public static Map<String, Double> parse(String text) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space;
      String name;
      Map<String, String> labels = new TreeMap<>();
      if (brace >= 0 && brace < line.indexOf(' ')) {
        name = line.substring(0, brace);
        int i = brace + 1;
        while (line.charAt(i) != '}') {
          int eq = line.indexOf('=', i);
          String key = line.substring(i, eq);
          StringBuilder v = new StringBuilder();
          int j = eq + 2;
          while (line.charAt(j) != '"') {
            char c = line.charAt(j);
            if (c == '\\') {
              char n = line.charAt(++j);
              v.append(n == 'n' ? '\n' : n);
            } else {
              v.append(c);
            }
            j++;
          }
          labels.put(key, v.toString());
          i = j + 1;
          if (line.charAt(i) == ',') {
            i++;
          }
        }
        space = i + 1;
      } else {
        space = line.indexOf(' ');
        name = line.substring(0, space);
      }
      String value = line.substring(space).trim().split(" ")[0];
      out.put(series(name, labels), Double.parseDouble(value));
    }
    return out;
  }

  /** The key of a series: {@code series("m", "a", "1")} → {@code m{a="1"}}. */
  public static String series(String name, String... labels) {
    Map<String, String> m = new TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      m.put(labels[i], labels[i + 1]);
    }
    return series(name, m);
  }

  private static String series(String name, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return name;
    }
    StringBuilder b = new StringBuilder(name).append('{');
    labels.forEach((k, v) -> b.append(k).append("=\"").append(v).append("\","));
    b.setLength(b.length() - 1);
    return b.append('}').toString();
  }
}
