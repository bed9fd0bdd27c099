package io.dmexporter.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the exporter's log lines back into fields: logfmt (as go-logfmt decodes it) or JSON. */
public final class LogLines {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The fields every line starts with, in this order. */
  public static final List<String> STANDARD = List.of("ts", "level", "logger", "msg");

  private LogLines() {}

  /** One logfmt line as ordered fields; fails on anything that is not logfmt. */
  public static Map<String, String> logfmt(String line) {
    Map<String, String> fields = new LinkedHashMap<>();
    int i = 0;
    while (i < line.length()) {
      int eq = line.indexOf('=', i);
      assertTrue(eq > i, "key expected at " + i + ": " + line);
      String key = line.substring(i, eq);
      assertFalse(key.contains(" ") || key.contains("\""), "bad key " + key + ": " + line);
      StringBuilder value = new StringBuilder();
      i = eq + 1;
      if (i < line.length() && line.charAt(i) == '"') {
        for (i++; line.charAt(i) != '"'; i++) {
          char c = line.charAt(i);
          if (c == '\\') {
            char e = line.charAt(++i);
            switch (e) {
              case 'n' -> value.append('\n');
              case 't' -> value.append('\t');
              case 'r' -> value.append('\r');
              case 'u' -> {
                value.append((char) Integer.parseInt(line.substring(i + 1, i + 5), 16));
                i += 4;
              }
              default -> value.append(e);
            }
          } else {
            value.append(c);
          }
        }
        i++;
      } else {
        while (i < line.length() && line.charAt(i) != ' ') {
          value.append(line.charAt(i++));
        }
      }
      assertTrue(i == line.length() || line.charAt(i) == ' ', "space expected after a value: " + line);
      fields.put(key, value.toString());
      i++;
    }
    return fields;
  }

  /** One JSON line as ordered fields, every value as text. */
  public static Map<String, String> json(String line) {
    try {
      JsonNode node = JSON.readTree(line);
      assertTrue(node != null && node.isObject(), "not a JSON object: " + line);
      Map<String, String> fields = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue().asText()));
      return fields;
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + line, e);
    }
  }

  /** Checks that the line starts with the standard fields, in order; returns its fields. */
  public static Map<String, String> standard(Map<String, String> fields) {
    assertTrue(fields.size() >= STANDARD.size() && List.copyOf(fields.keySet()).subList(0, 4).equals(STANDARD),
        "a log line must start with " + STANDARD + ": " + fields);
    return fields;
  }
}
