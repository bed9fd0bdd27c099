package io.dmexporter.cli;

import io.dmexporter.BuildInfo;
import io.dmexporter.Exporter;
import io.dmexporter.config.Durations;
import io.dmexporter.config.HostPort;
import io.dmexporter.dm.TlsSettings;
import io.dmexporter.logging.Logging;
import io.dmexporter.poll.PollSettings;
import io.dmexporter.poll.PollSettings.QueryMode;
import io.dmexporter.sim.DemoScenario;
import io.dmexporter.sim.ScaledClock;
import io.dmexporter.sim.SimulateCommand;
import io.dmexporter.sim.Simulator;
import io.dmexporter.web.ErrorText;
import io.dmexporter.web.Routes;
import io.dmexporter.web.WebConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code dm-exporter} command: flags, validation, and running the exporter until stopped. */
@Command(
    name = "dm-exporter",
    mixinStandardHelpOptions = true,
    versionProvider = ExporterCommand.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    subcommands = SimulateCommand.class,
    description = {
      "Prometheus exporter for TiDB Data Migration (DM): polls DM-master and DM-workers over "
          + "gRPC and serves what query-status knows as metrics.",
      "",
      "Every flag can also be set in the YAML file of --config.file (key = flag name without "
          + "dashes); flags given on the command line win.",
      ""
    })
public final class ExporterCommand implements Callable<Integer> {
  /** Query modes as users type them. */
  enum Mode { workers, master }

  @Spec CommandSpec spec;

  @Option(names = "--config.file", paramLabel = "FILE", description = "YAML file with flag values.")
  Path configFile;

  @Option(names = "--dm.master-address", paramLabel = "HOST:PORT", split = ",",
      description = "DM-master endpoints (comma-separated or repeated); on failure of one, the next answers.")
  List<String> masterAddresses = new ArrayList<>();

  @Option(names = "--dm.worker-address", paramLabel = "HOST:PORT", split = ",",
      description = "Static DM-worker endpoints, polled directly without a DM-master.")
  List<String> workerAddresses = new ArrayList<>();

  @Option(names = "--dm.query-mode", paramLabel = "MODE", defaultValue = "workers",
      description = "workers: discover workers with ListMember and ask each (default); "
          + "master: ask the DM-master leader's QueryStatus. Default: ${DEFAULT-VALUE}.")
  Mode queryMode;

  @Option(names = "--dm.tls.ca-file", paramLabel = "FILE",
      description = "PEM CA certificate to verify DM endpoints with; enables TLS (DM's ssl-ca).")
  Path tlsCaFile;

  @Option(names = "--dm.tls.cert-file", paramLabel = "FILE",
      description = "PEM client certificate for DM's mutual TLS (DM's ssl-cert); needs --dm.tls.key-file.")
  Path tlsCertFile;

  @Option(names = "--dm.tls.key-file", paramLabel = "FILE",
      description = "PEM (PKCS#8) private key of --dm.tls.cert-file (DM's ssl-key).")
  Path tlsKeyFile;

  @Option(names = "--dm.tls.server-name", paramLabel = "NAME",
      description = "Name to expect in DM's certificates instead of each endpoint's host.")
  String tlsServerName;

  @Option(names = "--poll.interval", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How often to poll DM. Default: 15s (5s with --demo).")
  Duration pollInterval;

  @Option(names = "--poll.timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Deadline of a whole poll cycle; a hung endpoint never holds it longer. "
          + "Default: 5s, or the interval when that is shorter.")
  Duration pollTimeout;

  /** The timeout when none is given: long enough for a loaded DM, never longer than a cycle. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
  /** The demo changes every few seconds; poll it often enough to see that. */
  static final Duration DEMO_INTERVAL = Duration.ofSeconds(5);

  @Option(names = "--web.listen-address", paramLabel = "[HOST]:PORT", defaultValue = ":9263",
      description = "Address to serve metrics on. Default: ${DEFAULT-VALUE}.")
  String listenAddress;

  @Option(names = "--web.config.file", paramLabel = "FILE",
      description = "The Prometheus exporter-toolkit's web config (YAML): tls_server_config for HTTPS and "
          + "client certificates, http_server_config, basic_auth_users (bcrypt), rate_limit. Re-read "
          + "when it or a file it names changes. See docs/security.md.")
  Path webConfigFile;

  @Option(names = "--web.max-requests", paramLabel = "N", defaultValue = "" + Routes.DEFAULT_MAX_REQUESTS,
      description = "Maximum number of scrapes, status documents and status pages served at once; more are "
          + "answered 503. 0: no limit. Default: ${DEFAULT-VALUE}.")
  int maxRequests;

  /** What the endpoints show of DM's error text, as users type it. */
  enum ErrorTextChoice { auto, show, scrub, hide }

  @Option(names = "--web.error-text", paramLabel = "WHAT", defaultValue = "auto",
      description = "What /api/v1/status and the status page show of DM's error text, which can quote "
          + "row data: show, scrub (quoted values and numbers removed, best effort) or hide. "
          + "auto: show when listening on loopback only, else hide. Default: ${DEFAULT-VALUE}.")
  ErrorTextChoice errorText;

  @Option(names = "--web.telemetry-path", paramLabel = "PATH", defaultValue = "/metrics",
      description = "Path of the metrics endpoint. Default: ${DEFAULT-VALUE}.")
  String telemetryPath;

  @Option(names = "--demo",
      description = "Run against an embedded simulated DM cluster (1 DM-master, 4 DM-workers) that "
          + "starts as DM's query-status example and keeps changing; needs no DM.")
  boolean demo;

  @Option(names = "--demo.speed", paramLabel = "FACTOR", defaultValue = "1",
      description = "How much faster than real time the demo cluster lives. Default: ${DEFAULT-VALUE}.")
  double demoSpeed;

  @Option(names = "--demo.control-address", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:0",
      description = "Loopback address of the demo's control API (see docs/simulator.md). Default: ${DEFAULT-VALUE}.")
  String demoControlAddress;

  @Option(names = "--log.level", paramLabel = "LEVEL", defaultValue = "info",
      description = "debug, info, warn or error. Default: ${DEFAULT-VALUE}.")
  Logging.Severity logLevel;

  @Option(names = "--log.format", paramLabel = "FORMAT", defaultValue = "logfmt",
      description = "logfmt or json: one line per event on stderr. Default: ${DEFAULT-VALUE}.")
  Logging.Format logFormat;

  @Override
  public Integer call() throws Exception {
    Exporter.Settings settings = settings();
    Logging.configure(logLevel, logFormat);
    org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ExporterCommand.class);
    Simulator simulator = null;
    if (demo) {
      simulator = DemoScenario.start(new ScaledClock(Clock.systemUTC(), demoSpeed), demoControlAddress);
      settings = withMasters(settings, simulator.masterAddresses());
    }
    Exporter exporter;
    try {
      exporter = Exporter.start(settings, Clock.systemUTC());
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      log.atError().setMessage("Cannot start").addKeyValue("address", listenAddress)
          .addKeyValue("err", String.valueOf(e.getMessage())).log();
      if (simulator != null) {
        simulator.close();
      }
      return 1;
    }
    BuildInfo build = BuildInfo.load();
    log.atInfo().setMessage("Starting dm-exporter").addKeyValue("version", build.version())
        .addKeyValue("revision", build.revision()).addKeyValue("branch", build.branch())
        .addKeyValue("build_date", build.buildDate()).addKeyValue("java_version", build.javaVersion())
        .addKeyValue("platform", build.platform()).log();
    log.atInfo().setMessage("Listening on " + listenAddress).addKeyValue("address", listenAddress)
        .addKeyValue("port", exporter.port()).addKeyValue("telemetry_path", telemetryPath)
        .addKeyValue("tls", settings.web().tls() != null)
        .addKeyValue("basic_auth", !settings.web().basicAuthUsers().isEmpty()).log();
    log.atInfo().setMessage("Polling " + describe(settings.poll()))
        .addKeyValue("interval", Durations.format(settings.poll().interval()))
        .addKeyValue("timeout", Durations.format(settings.poll().timeout())).log();
    if (simulator != null) {
      String host = settings.listen().host();
      String base = (settings.web().tls() != null ? "https://" : "http://")
          + new HostPort(host.isEmpty() ? "localhost" : host, exporter.port());
      log.info("demo: open {}{} for the metrics and {}/ for the status page; the simulated DM cluster's control API is {}",
          base, telemetryPath, base, simulator.controlUrl());
      awaitShutdown(exporter, simulator);
    } else {
      awaitShutdown(exporter);
    }
    return 0;
  }

  private static Exporter.Settings withMasters(Exporter.Settings s, List<String> masters) {
    PollSettings p = s.poll();
    return new Exporter.Settings(new PollSettings(p.mode(), masters, p.workerAddresses(), p.interval(), p.timeout()),
        s.listen(), s.telemetryPath(), s.tls(), s.web(), s.errorText(), s.maxRequests());
  }

  /**
   * Validates the flags into settings; user errors become {@link ParameterException}s (exit 2).
   * With {@code --demo} the DM-master address is left for the embedded simulator to fill in.
   */
  Exporter.Settings settings() {
    List<String> masters = endpoints("--dm.master-address", masterAddresses);
    List<String> workers = endpoints("--dm.worker-address", workerAddresses);
    if (demo) {
      if (!masters.isEmpty() || !workers.isEmpty()) {
        throw usage("--demo runs its own simulated DM; leave out --dm.master-address and --dm.worker-address");
      }
      if (!(demoSpeed > 0) || demoSpeed > 10_000) {
        throw usage("--demo.speed must be greater than 0 and at most 10000");
      }
    } else if (masters.isEmpty() && workers.isEmpty()) {
      throw usage("give --dm.master-address (DM-master) or --dm.worker-address (static DM-workers)");
    }
    if (!masters.isEmpty() && !workers.isEmpty()) {
      throw usage("give either --dm.master-address or --dm.worker-address, not both");
    }
    if (!workers.isEmpty() && queryMode == Mode.master) {
      throw usage("--dm.query-mode=master needs --dm.master-address");
    }
    Duration interval = pollInterval != null ? pollInterval : demo ? DEMO_INTERVAL : DEFAULT_INTERVAL;
    if (interval.isZero()) {
      throw usage("--poll.interval must be greater than 0");
    }
    Duration timeout = pollTimeout != null ? pollTimeout
        : DEFAULT_TIMEOUT.compareTo(interval) < 0 ? DEFAULT_TIMEOUT : interval;
    if (timeout.isZero() || timeout.compareTo(interval) > 0) {
      throw usage("--poll.timeout must be greater than 0 and at most --poll.interval ("
          + Durations.format(interval) + ")");
    }
    if (!telemetryPath.startsWith("/") || telemetryPath.equals("/") || telemetryPath.startsWith("/-/")
        || telemetryPath.equals("/api/v1/status") || telemetryPath.startsWith("/tasks/")
        || telemetryPath.startsWith("/static/")) {
      throw usage("--web.telemetry-path must start with / and not clash with /, /-/…, /api/v1/status or the "
          + "status page's /tasks/… and /static/…");
    }
    HostPort listen;
    try {
      listen = HostPort.parseListen(listenAddress);
    } catch (IllegalArgumentException e) {
      throw usage("invalid value for option '--web.listen-address': " + e.getMessage());
    }
    if (maxRequests < 0) {
      throw usage("--web.max-requests must be 0 (no limit) or more");
    }
    QueryMode mode = !workers.isEmpty() ? QueryMode.STATIC
        : queryMode == Mode.master ? QueryMode.MASTER : QueryMode.WORKERS;
    return new Exporter.Settings(new PollSettings(mode, masters, workers, interval, timeout), listen, telemetryPath,
        tls(), webConfig(), errorText == ErrorTextChoice.auto ? ErrorText.defaultFor(listen.host())
            : ErrorText.parse(errorText.name()), maxRequests);
  }

  private WebConfig webConfig() {
    if (webConfigFile == null) {
      return WebConfig.NONE;
    }
    try {
      return WebConfig.load(webConfigFile);
    } catch (WebConfig.WebConfigException e) {
      throw usage(e.getMessage());
    }
  }

  private TlsSettings tls() {
    if ((tlsCertFile == null) != (tlsKeyFile == null)) {
      throw usage("--dm.tls.cert-file and --dm.tls.key-file go together");
    }
    if (tlsServerName != null && tlsCaFile == null && tlsCertFile == null) {
      throw usage("--dm.tls.server-name needs --dm.tls.ca-file");
    }
    TlsSettings tls = new TlsSettings(tlsCaFile, tlsCertFile, tlsKeyFile, tlsServerName);
    try {
      tls.credentials();
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw usage("invalid TLS settings: " + e.getMessage());
    }
    return tls;
  }

  private List<String> endpoints(String option, List<String> values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      if (v.isBlank()) {
        continue;
      }
      try {
        String address = HostPort.parseEndpoint(v).toString();
        if (!out.contains(address)) {
          out.add(address);
        }
      } catch (IllegalArgumentException e) {
        throw usage("invalid value for option '" + option + "': " + e.getMessage());
      }
    }
    return out;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private static String describe(PollSettings p) {
    return switch (p.mode()) {
      case WORKERS -> "DM-workers discovered through DM-master " + String.join(",", p.masterAddresses());
      case MASTER -> "DM-master " + String.join(",", p.masterAddresses()) + " (master query mode)";
      case STATIC -> "DM-workers " + String.join(",", p.workerAddresses());
    };
  }

  /** Blocks until the JVM is asked to stop, then stops the exporter cleanly. */
  static void awaitShutdown(AutoCloseable... resources) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch closing = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      closing.countDown();
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "shutdown"));
    closing.await();
    try {
      for (AutoCloseable r : resources) {
        try {
          r.close();
        } catch (Exception e) {
          org.slf4j.LoggerFactory.getLogger(ExporterCommand.class).warn("while shutting down: {}", e.toString());
        }
      }
    } finally {
      // Even an Error while closing must not leave the shutdown hook, and so the JVM, waiting.
      stopped.countDown();
    }
  }

  /** Converts Prometheus-style durations for picocli. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@code --version}: this build and the JVM running it, laid out as promu-built exporters do. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return BuildInfo.load().describe().split("\n");
    }
  }
}
