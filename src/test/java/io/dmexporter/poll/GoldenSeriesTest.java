package io.dmexporter.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.TextFormat;
import io.dmexporter.dm.Outcome;
import io.dmexporter.dm.SourceAnswer;
import io.dmexporter.dm.WireMapper;
import io.dmexporter.dm.pb.QueryStatusListResponse;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.metrics.DmCollector;
import io.dmexporter.model.Snapshot;
import io.dmexporter.model.Subtask;
import io.dmexporter.model.WorkerMember;
import io.dmexporter.status.TaskStatusRules;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden tests of the wire → series path: one DM answer per emulated DM version and situation
 * ({@code src/test/resources/golden/*.textproto}, protobuf text format: a worker's
 * {@code QueryStatusResponse}, or DM-master's {@code QueryStatusListResponse} for {@code master-*};
 * an optional {@code .catalogue} lists "task source…" as DM-master's task configs say) and the
 * exact {@code dm_*} series it must give ({@code .prom}). Rewrite the expectations after a reviewed
 * change with {@code -Dgolden.update=true}.
 */
class GoldenSeriesTest {
  private static final Path DIR = Path.of("src/test/resources/golden");
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  static Stream<String> fixtures() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".textproto"))
          .map(n -> n.substring(0, n.length() - ".textproto".length())).sorted().toList();
      assertFalse(names.isEmpty(), "no fixtures in " + DIR.toAbsolutePath());
      return names.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void seriesMatchTheGoldenFile(String name) throws Exception {
    String text = Files.readString(DIR.resolve(name + ".textproto"));
    Path catalogueFile = DIR.resolve(name + ".catalogue");
    Map<String, Set<String>> catalogue = Files.exists(catalogueFile) ? catalogue(Files.readAllLines(catalogueFile)) : null;
    Cycle.Result result;
    if (name.startsWith("master-")) {
      QueryStatusListResponse.Builder b = QueryStatusListResponse.newBuilder();
      TextFormat.merge(text, b);
      Outcome<List<SourceAnswer>> master = new Outcome<>("dm-master:8261", WireMapper.masterStatus(b.build()), null, null, 0.01, false);
      result = new Cycle.Result(null, List.of(), master, true, catalogue, Map.of(), true);
    } else {
      QueryStatusResponse.Builder b = QueryStatusResponse.newBuilder();
      TextFormat.merge(text, b);
      var report = WireMapper.sourceReport(b.build(), "");
      WorkerMember member = new WorkerMember(report.source().worker(), "dm-worker:8262", "bound", report.source().sourceId());
      result = new Cycle.Result(null, List.of(new Cycle.WorkerCall(member, new Outcome<>("dm-worker:8262", report, null, null, 0.01, false))),
          null, false, catalogue, Map.of(), true);
    }
    String actual = render(result);
    Path golden = DIR.resolve(name + ".prom");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(golden, actual);
    }
    assertEquals(Files.readString(golden), actual, name);
  }

  private static String render(Cycle.Result result) throws IOException {
    Assembly.Parts parts = Assembly.assemble(result, null, Map.of());
    List<Subtask> subtasks = new ReportedFields().apply(parts.subtasks());
    Snapshot s = new Snapshot(NOW, 0.01, NOW, TaskStatusRules.derive(subtasks, parts.unknown(), parts::relayOf),
        subtasks, parts.unknown(), parts.sources(), null, List.of());
    DmCollector collector = new DmCollector(() -> s, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(45));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, collector.collect());
    StringBuilder lines = new StringBuilder();
    Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\n")).filter(l -> l.startsWith("dm_")).sorted()
        .forEach(l -> lines.append(l).append('\n'));
    return lines.toString();
  }

  private static Map<String, Set<String>> catalogue(List<String> lines) {
    Map<String, Set<String>> c = new LinkedHashMap<>();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 1) {
        c.put(f[0], new LinkedHashSet<>(Arrays.asList(f).subList(1, f.length)));
      }
    }
    return c;
  }
}
