package io.dmexporter.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.TextFormat;
import io.dmexporter.dm.pb.QueryStatusListResponse;
import io.dmexporter.dm.pb.QueryStatusResponse;
import io.dmexporter.model.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    Snapshot snapshot;
    if (name.startsWith("master-")) {
      QueryStatusListResponse.Builder b = QueryStatusListResponse.newBuilder();
      TextFormat.merge(text, b);
      snapshot = Pipeline.master(b.build(), catalogue, null);
    } else {
      QueryStatusResponse.Builder b = QueryStatusResponse.newBuilder();
      TextFormat.merge(text, b);
      snapshot = Pipeline.worker(b.build(), catalogue, null);
    }
    String actual = dmLines(Pipeline.exposition(snapshot, false));
    Path golden = DIR.resolve(name + ".prom");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(golden, actual);
    }
    assertEquals(Files.readString(golden), actual, name);
  }

  private static String dmLines(String exposition) {
    StringBuilder lines = new StringBuilder();
    Arrays.stream(exposition.split("\n")).filter(l -> l.startsWith("dm_") && !l.startsWith("dm_exporter_")).sorted()
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
