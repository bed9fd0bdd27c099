package io.dmexporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.testing.LogLines;
import io.dmexporter.testing.Scrape;
import io.dmexporter.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release bundle that {@code mvn package} makes, used as the docs say: checked against its
 * checksum, unpacked, started through bin/dm-exporter, and its systemd unit verified.
 */
class ReleaseBundleIT {
  @TempDir Path work;

  private final RepoFiles repo = RepoFiles.fromSystemProperty();
  private final String version = repo.projectVersion();
  private final String name = "dm-exporter-" + version;
  private Path home;

  @BeforeEach
  void unpack() throws Exception {
    Path tarball = repo.path("target/" + name + ".tar.gz");
    assertTrue(Files.isRegularFile(tarball), "mvn package makes " + tarball);
    String sum = Files.readString(repo.path("target/" + name + ".tar.gz.sha256")).trim();
    String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(tarball)));
    assertEquals(actual + "  " + name + ".tar.gz", sum, "the .sha256 file, in sha256sum's format");
    Command.run(List.of("tar", "-xzf", tarball.toString(), "-C", work.toString()), null, Duration.ofMinutes(1)).ok();
    home = work.resolve(name);
  }

  @Test
  void holdsWhatAnOperatorNeedsAndNothingElse() throws Exception {
    TreeSet<String> files = new TreeSet<>();
    try (Stream<Path> all = Files.walk(work)) {
      all.filter(Files::isRegularFile).forEach(p -> files.add(work.relativize(p).toString()));
    }
    assertEquals(new TreeSet<>(Stream.of("bin/dm-exporter", "lib/dm-exporter.jar", "conf/jvm.options",
        "conf/dm-exporter.yml", "alerts/dm-exporter.rules.yml", "grafana/dm-exporter-overview.json",
        "systemd/dm-exporter.service", "systemd/dm-exporter.default", "LICENSE", "NOTICE", "README.md",
        "docs/runbook.md", "docs/deploy.md").map(f -> name + "/" + f).toList()), files);
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("bin/dm-exporter"))));
    assertTrue(Files.readString(home.resolve("LICENSE")).contains("Apache License"), "LICENSE");
    assertEquals(repo.text("alerts/dm-exporter.rules.yml"), Files.readString(home.resolve("alerts/dm-exporter.rules.yml")));
    assertEquals(repo.text("grafana/dashboards/dm-exporter-overview.json"),
        Files.readString(home.resolve("grafana/dm-exporter-overview.json")));
  }

  @Test
  void launcherRunsTheDemoWithTheJvmFlagsThenJavaOptsAndLogsJson() throws Exception {
    int port = ServerProcess.freePort();
    String marker = "--web.listen-address=127.0.0.1:" + port;
    List<String> command = List.of("env", "JAVA_OPTS=-Xss1m -Ddm.test.java-opts=1", home.resolve("bin/dm-exporter").toString(),
        "--demo", marker, "--log.format=json");
    long began = System.nanoTime();
    try (ServerProcess exporter = ServerProcess.start("bundle-exporter", command, work)) {
      exporter.awaitOk("http://127.0.0.1:" + port + "/-/ready", Duration.ofSeconds(60));
      System.out.printf("bundle: bin/dm-exporter --demo ready in %.1f s%n", (System.nanoTime() - began) / 1e9);
      Map<String, Double> m = Scrape.metrics(port);
      assertEquals(1.0, m.get(Scrape.series("dm_task_status", "task", "test", "status", "Error")));
      assertTrue(m.keySet().stream().anyMatch(k -> k.startsWith("dm_exporter_build_info{") && k.contains(
          "version=\"" + version + "\"") && k.contains("java_version=\"")), "dm_exporter_build_info");

      // the launcher execs java (no shell left in between): jvm.options first, JAVA_OPTS after it
      ProcessHandle java = Command.javaWith(marker).orElseThrow(() -> new AssertionError("no java with " + marker));
      String cmdline = Command.commandLine(java);
      int options = cmdline.indexOf("@" + home.resolve("conf/jvm.options").toRealPath());
      int javaOpts = cmdline.indexOf("-Xss1m -Ddm.test.java-opts=1");
      int jar = cmdline.indexOf("-jar " + home.resolve("lib/dm-exporter.jar").toRealPath());
      assertTrue(options > 0 && javaOpts > options && jar > javaOpts, cmdline);
      assertTrue(java.parent().map(p -> !Command.commandLine(p).contains("bin/dm-exporter")).orElse(true),
          "the launcher's shell must exec java, not wait for it");

      for (String line : exporter.log().lines().toList()) {
        LogLines.standard(LogLines.json(line));
      }
      assertTrue(exporter.log().contains("\"msg\":\"Starting dm-exporter\""), exporter.log());
    }
  }

  @Test
  void exampleConfigStartsAndShowsAnUnreachableDm() throws Exception {
    int port = ServerProcess.freePort();
    int closed = ServerProcess.freePort();
    List<String> command = List.of(home.resolve("bin/dm-exporter").toString(),
        "--config.file=" + home.resolve("conf/dm-exporter.yml"), "--dm.master-address=127.0.0.1:" + closed,
        "--web.listen-address=127.0.0.1:" + port);
    try (ServerProcess exporter = ServerProcess.start("bundle-example-config", command, work)) {
      exporter.awaitOk("http://127.0.0.1:" + port + "/-/ready", Duration.ofSeconds(60));
      Map<String, Double> m = Scrape.metrics(port);
      assertEquals(0.0, m.get(Scrape.series("dm_exporter_target_up", "address", "127.0.0.1:" + closed, "role", "master")),
          m.keySet().stream().filter(k -> k.startsWith("dm_exporter_target")).toList().toString());
      for (String line : exporter.log().lines().toList()) {
        LogLines.standard(LogLines.logfmt(line));
      }
    }
  }

  @Test
  void systemdUnitVerifiesAndIsSandboxed() throws Exception {
    Path analyze = Command.require("systemd-analyze", "systemd", "ReleaseBundleIT");
    String unit = Files.readString(home.resolve("systemd/dm-exporter.service"));
    for (String hardening : List.of("DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes",
        "ProtectHome=yes", "PrivateTmp=yes", "PrivateDevices=yes", "CapabilityBoundingSet=\n",
        "RestrictAddressFamilies=", "SystemCallFilter=@system-service", "MemoryMax=")) {
      assertTrue(unit.contains("\n" + hardening), "the unit sets " + hardening.trim());
    }
    assertTrue(unit.contains("ExecStart=/opt/dm-exporter/bin/dm-exporter "), "the unit runs the bundle's launcher");
    // verify as installed: /opt/dm-exporter is this unpacked bundle
    Path installed = Files.createDirectories(work.resolve("units")).resolve("dm-exporter.service");
    Files.writeString(installed, unit.replace("/opt/dm-exporter/", home + "/"));
    Command.Result verify = Command.run(List.of(analyze.toString(), "verify", installed.toString()), work,
        Duration.ofMinutes(1));
    assertEquals(0, verify.exitCode(), verify.output());
    assertEquals("", verify.output().trim(), "systemd-analyze verify warns");

    Command.Result security = Command.run(List.of(analyze.toString(), "security", "--offline=true",
        installed.toString()), work, Duration.ofMinutes(1));
    Matcher level = Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d+) (\\S+)").matcher(security.output());
    assertTrue(level.find(), security.output());
    System.out.printf("bundle: systemd-analyze security rates the unit %s %s%n", level.group(1), level.group(2));
    assertTrue(Double.parseDouble(level.group(1)) <= 2.0, "exposure above 2.0 (OK):\n" + security.output());
  }
}
