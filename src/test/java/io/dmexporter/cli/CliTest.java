package io.dmexporter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dmexporter.Exporter;
import io.dmexporter.poll.PollSettings.QueryMode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class CliTest {
  @TempDir Path dir;

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.run(args, new ExporterCommand(), new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  private static void assertUsageError(Result r, String expected) {
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(expected), "message names the problem: " + r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      --bogus=1 --dm.master-address=a:8261                          | Unknown option: '--bogus=1'
      --dm.master-address=a:8261 --poll.interval=abc                | '--poll.interval': 'abc' is not a duration
      --dm.master-address=a:8261 --poll.timeout=5                   | '--poll.timeout': '5' is not a duration
      --dm.master-address=a:8261 --poll.interval=1s --poll.timeout=2s | --poll.timeout must be greater than 0 and at most --poll.interval
      --dm.master-address=a:8261 --poll.interval=0s                 | --poll.interval must be greater than 0
      --dm.master-address=dm-master                                 | 'dm-master' is not a HOST:PORT address
      --dm.master-address=a:99999                                   | port outside 0-65535
      --dm.worker-address=w:8262,:8262                              | ':8262' is not a HOST:PORT address
      --poll.interval=15s                                           | give --dm.master-address (DM-master) or --dm.worker-address
      --dm.master-address=a:8261 --dm.worker-address=w:8262         | not both
      --dm.worker-address=w:8262 --dm.query-mode=master             | --dm.query-mode=master needs --dm.master-address
      --dm.master-address=a:8261 --dm.query-mode=fanout             | '--dm.query-mode': expected one of [workers, master]
      --dm.master-address=a:8261 --web.listen-address=nohost        | '--web.listen-address'
      --dm.master-address=a:8261 --web.telemetry-path=metrics       | --web.telemetry-path must start with /
      --dm.master-address=a:8261 --web.telemetry-path=/tasks/m      | the status page's /tasks/… and /static/…
      --dm.master-address=a:8261 --web.telemetry-path=/static/m     | the status page's /tasks/… and /static/…
      --dm.master-address=a:8261 --log.level=loud                   | '--log.level'
      --dm.master-address=a:8261 --config.file=/does/not/exist.yml  | config file /does/not/exist.yml does not exist
      --dm.master-address=a:8261 --dm.tls.cert-file=/etc/hostname   | --dm.tls.cert-file and --dm.tls.key-file go together
      --dm.master-address=a:8261 --dm.tls.ca-file=/no/ca.pem        | invalid TLS settings: cannot read /no/ca.pem
      --dm.master-address=a:8261 --dm.tls.ca-file=/etc/hostname     | /etc/hostname is not a PEM certificate
      --dm.master-address=a:8261 --dm.tls.server-name=dm            | --dm.tls.server-name needs --dm.tls.ca-file
      --dm.master-address=a:8261 --web.config.file=/no/web.yml      | web config file /no/web.yml does not exist
      --demo --dm.master-address=a:8261                             | --demo runs its own simulated DM
      --demo --demo.speed=0                                         | --demo.speed must be greater than 0
      --dm.master-address=a:8261 --web.error-text=some              | '--web.error-text': expected one of [auto, show, scrub, hide]
      """)
  void badInputExitsWithTwoAndOneLine(String args, String expected) {
    assertUsageError(run(args.trim().split("\\s+")), expected);
  }

  @Test
  void invalidYamlNamesTheLine() throws Exception {
    Path f = dir.resolve("bad.yml");
    Files.writeString(f, "poll.interval: 15s\ndm.master-address: [a:8261\n");
    assertUsageError(run("--config.file=" + f), "is not valid YAML at line");
  }

  @Test
  void unknownYamlKeyIsNamed() throws Exception {
    Path f = dir.resolve("unknown.yml");
    Files.writeString(f, "dm:\n  master-address: a:8261\n  querymode: master\n");
    assertUsageError(run("--config.file", f.toString()), "unknown key 'dm.querymode'");
  }

  @Test
  void badYamlValueNamesTheOption() throws Exception {
    Path f = dir.resolve("value.yml");
    Files.writeString(f, "dm.master-address: a:8261\npoll.interval: soon\n");
    assertUsageError(run("--config.file=" + f), "'--poll.interval': 'soon' is not a duration");
  }

  @Test
  void yamlSetsDefaultsAndFlagsWin() throws Exception {
    Path f = dir.resolve("ok.yml");
    Files.writeString(f, """
        dm:
          master-address: [m1:8261, "m2:8261"]
          query-mode: master
        poll.interval: 1m
        poll.timeout: 10s
        web:
          listen-address: 127.0.0.1:9999
        """);
    ExporterCommand cmd = new ExporterCommand();
    CommandLine cl = Cli.commandLine(cmd, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    String[] args = {"--config.file=" + f, "--poll.timeout=3s", "--web.listen-address=:9263"};
    assertNull(Cli.applyConfigFile(cl, args));
    cl.parseArgs(args);
    Exporter.Settings s = cmd.settings();
    assertEquals(List.of("m1:8261", "m2:8261"), s.poll().masterAddresses());
    assertEquals(QueryMode.MASTER, s.poll().mode());
    assertEquals(Duration.ofMinutes(1), s.poll().interval());
    assertEquals(Duration.ofSeconds(3), s.poll().timeout(), "the flag wins over the file");
    assertEquals("", s.listen().host());
    assertEquals(9263, s.listen().port());
  }

  @Test
  void defaultsMatchTheDocumentation() {
    ExporterCommand cmd = new ExporterCommand();
    CommandLine cl = Cli.commandLine(cmd, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    cl.parseArgs("--dm.master-address=dm-master:8261,[::1]:8261");
    Exporter.Settings s = cmd.settings();
    assertEquals(QueryMode.WORKERS, s.poll().mode());
    assertEquals(List.of("dm-master:8261", "[::1]:8261"), s.poll().masterAddresses());
    assertEquals(Duration.ofSeconds(15), s.poll().interval());
    assertEquals(Duration.ofSeconds(5), s.poll().timeout());
    assertEquals(9263, s.listen().port());
    assertEquals("/metrics", s.telemetryPath());
  }

  @Test
  void defaultTimeoutNeverExceedsAShortInterval() {
    ExporterCommand cmd = new ExporterCommand();
    CommandLine cl = Cli.commandLine(cmd, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    cl.parseArgs("--dm.master-address=dm-master:8261", "--poll.interval=1s");
    assertEquals(Duration.ofSeconds(1), cmd.settings().poll().timeout());
  }

  @Test
  void helpAndVersionExitZero() {
    Result help = run("--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--dm.master-address"));
    Result version = run("--version");
    assertEquals(0, version.code());
    assertTrue(version.out().startsWith("dm-exporter, version "), version.out());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', textBlock = """
      :9263            | auto  | HIDE
      0.0.0.0:9263     | auto  | HIDE
      dm-exporter:9263 | auto  | HIDE
      127.0.0.1:9263   | auto  | SHOW
      127.8.9.10:9263  | auto  | SHOW
      [::1]:9263       | auto  | SHOW
      localhost:9263   | auto  | SHOW
      :9263            | show  | SHOW
      :9263            | SCRUB | SCRUB
      127.0.0.1:9263   | hide  | HIDE
      """)
  void errorTextIsShownOnLoopbackOnlyUnlessTold(String listen, String choice, String expected) {
    ExporterCommand cmd = new ExporterCommand();
    CommandLine cl = Cli.commandLine(cmd, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    cl.parseArgs("--dm.master-address=dm-master:8261", "--web.listen-address=" + listen, "--web.error-text=" + choice);
    assertEquals(expected, cmd.settings().errorText().name());
  }
}
