package io.dmexporter.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * One log event, one line, as the Go exporters write them: {@code ts}, {@code level},
 * {@code logger}, {@code msg}, then the event's key-values, then {@code err} and {@code stack}
 * for an exception. The same fields in logfmt and in JSON.
 */
public final class LineEncoder extends EncoderBase<ILoggingEvent> {
  private static final JsonFactory JSON = new JsonFactory();
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final String OWN_PACKAGE = "io.dmexporter.";

  private final Logging.Format format;

  public LineEncoder(Logging.Format format) {
    this.format = format;
  }

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    String line = format == Logging.Format.json ? json(fields(event)) : logfmt(fields(event));
    return (line + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** The event as ordered fields; values are Strings except key-values' numbers and booleans. */
  static List<Map.Entry<String, Object>> fields(ILoggingEvent event) {
    List<Map.Entry<String, Object>> f = new ArrayList<>();
    f.add(Map.entry("ts", TS.format(Instant.ofEpochMilli(event.getTimeStamp()))));
    f.add(Map.entry("level", level(event.getLevel())));
    f.add(Map.entry("logger", shortName(event.getLoggerName())));
    f.add(Map.entry("msg", String.valueOf(event.getFormattedMessage())));
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair kv : event.getKeyValuePairs()) {
        Object v = kv.value;
        f.add(Map.entry(kv.key, v instanceof Number || v instanceof Boolean ? v : String.valueOf(v)));
      }
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      f.add(Map.entry("err", thrown.getClassName()
          + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage())));
      f.add(Map.entry("stack", ThrowableProxyUtil.asString(thrown).strip()));
    }
    return f;
  }

  /** Lower-case level names, as Go's exporters print them ({@code warn}, not {@code WARN}). */
  static String level(Level level) {
    return level.toString().toLowerCase(Locale.ROOT);
  }

  /** The project's own loggers without the common package prefix; others as they are. */
  static String shortName(String logger) {
    return logger.startsWith(OWN_PACKAGE) ? logger.substring(OWN_PACKAGE.length()) : logger;
  }

  static String json(List<Map.Entry<String, Object>> fields) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      for (Map.Entry<String, Object> e : fields) {
        g.writeFieldName(e.getKey());
        if (e.getValue() instanceof Number || e.getValue() instanceof Boolean) {
          g.writeObject(e.getValue()); // plain JSON number or boolean
        } else {
          g.writeString((String) e.getValue());
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  static String logfmt(List<Map.Entry<String, Object>> fields) {
    StringBuilder line = new StringBuilder();
    for (Map.Entry<String, Object> e : fields) {
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(e.getKey()).append('=');
      appendLogfmtValue(line, String.valueOf(e.getValue()));
    }
    return line.toString();
  }

  /** Bare when it can be, otherwise double-quoted with Go's escapes: one event stays one line. */
  private static void appendLogfmtValue(StringBuilder line, String v) {
    boolean bare = !v.isEmpty() && v.chars().allMatch(c -> c > ' ' && c != '"' && c != '=' && c != '\\' && c != 0x7f);
    if (bare) {
      line.append(v);
      return;
    }
    line.append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '"' -> line.append("\\\"");
        case '\\' -> line.append("\\\\");
        case '\n' -> line.append("\\n");
        case '\r' -> line.append("\\r");
        case '\t' -> line.append("\\t");
        default -> {
          if (c < ' ' || c == 0x7f) {
            line.append(String.format("\\u%04x", (int) c));
          } else {
            line.append(c);
          }
        }
      }
    }
    line.append('"');
  }
}
