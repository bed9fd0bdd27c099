package io.dmexporter.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import io.dmexporter.testing.LogLines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** --log.format: one line per event, the same fields in logfmt and JSON; --log.level filters. */
class LoggingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What {@code body} logged, line by line, with Logback set up as the flags would (the global
   * context, which java.util.logging's bridge reaches too; the default is restored after).
   */
  private static List<String> logged(Logging.Severity level, Logging.Format format, Consumer<LoggerContext> body) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    try {
      Logging.configure(level, format);
      body.accept(context);
    } finally {
      new DefaultConfigurator().configure(context);
      System.setErr(old);
    }
    return buf.toString(StandardCharsets.UTF_8).lines().toList();
  }

  /** Three events as the exporter writes them: key-values, a quote and newline, an exception. */
  private static void events(LoggerContext context) {
    Logger log = context.getLogger("io.dmexporter.poll.TargetTracker");
    log.atInfo().setMessage("Listening on :9263").addKeyValue("address", ":9263").addKeyValue("port", 9263)
        .addKeyValue("tls", false).log();
    log.warn("DM-worker {} failed: {} ({})", "127.0.0.1:8262", "unavailable", "io exception\n\"refused\"");
    log.error("poll cycle failed", new IllegalStateException("boom"));
    log.debug("not at info");
  }

  @ParameterizedTest
  @EnumSource(Logging.Format.class)
  void oneLinePerEventWithTheStandardFieldsFirst(Logging.Format format) {
    List<String> lines = logged(Logging.Severity.info, format, LoggingTest::events);
    assertEquals(3, lines.size(), String.join("\n", lines));
    List<Map<String, String>> events = new ArrayList<>();
    for (String line : lines) {
      events.add(format == Logging.Format.json ? LogLines.json(line) : LogLines.logfmt(line));
    }
    for (Map<String, String> e : events) {
      LogLines.standard(e);
      assertTrue(e.get("ts").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), e.get("ts"));
      assertEquals("poll.TargetTracker", e.get("logger"));
    }
    assertEquals(Map.of("ts", events.get(0).get("ts"), "level", "info", "logger", "poll.TargetTracker",
        "msg", "Listening on :9263", "address", ":9263", "port", "9263", "tls", "false"), events.get(0));
    assertEquals("warn", events.get(1).get("level"));
    assertEquals("DM-worker 127.0.0.1:8262 failed: unavailable (io exception\n\"refused\")", events.get(1).get("msg"));
    assertEquals("error", events.get(2).get("level"));
    assertEquals("java.lang.IllegalStateException: boom", events.get(2).get("err"));
    assertTrue(events.get(2).get("stack").contains("at io.dmexporter.logging.LoggingTest"), events.get(2).get("stack"));
  }

  @Test
  void bothFormatsCarryTheSameFieldsAndValues() {
    List<String> logfmt = logged(Logging.Severity.info, Logging.Format.logfmt, LoggingTest::events);
    List<String> json = logged(Logging.Severity.info, Logging.Format.json, LoggingTest::events);
    assertEquals(logfmt.size(), json.size());
    for (int i = 0; i < logfmt.size(); i++) {
      Map<String, String> a = new LinkedHashMap<>(LogLines.logfmt(logfmt.get(i)));
      Map<String, String> b = new LinkedHashMap<>(LogLines.json(json.get(i)));
      for (String differs : List.of("ts", "stack")) { // the time, and the test's own frames
        a.remove(differs);
        b.remove(differs);
      }
      assertEquals(a, b);
    }
  }

  @Test
  void jsonKeepsNumbersAndBooleansTyped() throws Exception {
    JsonNode first = JSON.readTree(logged(Logging.Severity.info, Logging.Format.json, LoggingTest::events).get(0));
    assertTrue(first.get("port").isInt(), first.toString());
    assertTrue(first.get("tls").isBoolean(), first.toString());
  }

  @Test
  void levelFiltersAndDebugShowsDebug() {
    assertEquals(1, logged(Logging.Severity.error, Logging.Format.logfmt, LoggingTest::events).size());
    List<String> debug = logged(Logging.Severity.debug, Logging.Format.logfmt, LoggingTest::events);
    assertEquals(4, debug.size(), String.join("\n", debug));
    assertTrue(debug.get(3).contains("level=debug"), debug.get(3));
  }

  @Test
  void librariesAreQuietUnlessDebugging() {
    Consumer<LoggerContext> chatty = c -> {
      c.getLogger("org.eclipse.jetty.server.Server").info("jetty started");
      c.getLogger("io.grpc.internal.ManagedChannelImpl").info("grpc channel");
      c.getLogger("io.grpc.internal.ManagedChannelImpl").debug("grpc detail");
      c.getLogger("org.eclipse.jetty.server.Server").warn("jetty warning");
    };
    assertEquals(List.of("jetty warning"), logged(Logging.Severity.info, Logging.Format.json, chatty).stream()
        .map(l -> l.replaceAll(".*\"msg\":\"([^\"]*)\".*", "$1")).toList());
    assertEquals(4, logged(Logging.Severity.debug, Logging.Format.json, chatty).size());
  }

  @Test
  void javaUtilLoggingOfGrpcArrivesInTheSameFormat() {
    List<String> lines = logged(Logging.Severity.info, Logging.Format.json, c ->
        java.util.logging.Logger.getLogger("io.grpc.internal.SomeClass").warning("channel broke"));
    assertEquals(1, lines.size(), String.join("\n", lines));
    Map<String, String> e = LogLines.json(lines.get(0));
    assertEquals("warn", e.get("level"));
    assertEquals("io.grpc.internal.SomeClass", e.get("logger"));
    assertEquals("channel broke", e.get("msg"));
  }
}
