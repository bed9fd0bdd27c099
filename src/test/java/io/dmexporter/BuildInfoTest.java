package io.dmexporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** --version and dm_exporter_build_info: this build and the JVM, as promu-built exporters say it. */
class BuildInfoTest {
  @ParameterizedTest
  @CsvSource({
      "Linux, amd64, linux/amd64",
      "Linux, aarch64, linux/arm64",
      "Mac OS X, aarch64, darwin/arm64",
      "Windows 11, amd64, windows/amd64",
      "Linux, ppc64le, linux/ppc64le"})
  void platformIsSpelledLikeGoosGoarch(String osName, String osArch, String platform) {
    assertEquals(platform, BuildInfo.platform(osName, osArch));
  }

  @Test
  void describeHasThePromuLayout() {
    BuildInfo b = new BuildInfo("0.1.0", "abc1234", "main", "2026-11-26T15:04:05Z", "17.0.15", "linux/amd64");
    List<String> lines = b.describe().lines().toList();
    assertEquals("dm-exporter, version 0.1.0 (branch: main, revision: abc1234)", lines.get(0));
    assertEquals("  build date:       2026-11-26T15:04:05Z", lines.get(1));
    assertTrue(lines.get(2).startsWith("  java version:     17.0.15 ("), lines.get(2));
    assertEquals("  platform:         linux/amd64", lines.get(3));
    assertEquals(4, lines.size());
  }

  @Test
  void theBuildFilledEveryFieldOrSaysUnknown() {
    BuildInfo b = BuildInfo.load();
    assertTrue(b.version().matches("\\d+\\.\\d+\\.\\d+.*"), b.version());
    assertTrue(b.buildDate().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), b.buildDate());
    assertEquals(System.getProperty("java.version"), b.javaVersion());
    for (String v : List.of(b.revision(), b.branch())) {
      assertTrue(!v.isEmpty() && !v.contains("${"), v);
    }
  }
}
