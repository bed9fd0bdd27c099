package io.dmexporter.web;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exporter's HTTP server: one Jetty connector on the listen address, the {@link Gate} (rate
 * limit, headers, basic auth) and the routes. With a web config file it watches the file and
 * the certificates it names, and applies a changed file without a restart (certificate
 * rotation); a file that does not load, or that changes what only a restart can (TLS on or off,
 * HTTP/2), leaves the config in force and is logged once.
 */
public final class WebServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebServer.class);
  /** How often the web config file and its certificates are checked for changes. */
  public static final Duration CHECK_EVERY = Duration.ofSeconds(1);

  /** What a check of the web config file found. */
  public enum Reload { UNCHANGED, APPLIED, REFUSED }

  private final Server server;
  private final ServerConnector connector;
  private final Gate gate;
  private final TlsContext.Factory tls;
  private final Path configFile;
  private final Duration checkEvery;
  private ScheduledExecutorService watcher;
  // Touched by the watcher (or a test) under this.
  private WebConfig config;
  private byte[] fingerprint;
  private byte[] refusedFingerprint;
  private String refused;

  /**
   * {@code listen} is a resolved listen address (a wildcard address means all interfaces); the
   * file {@code config} was loaded from, if any, is checked every {@code checkEvery} (null: never,
   * for tests that call {@link #checkConfig()} themselves).
   */
  public WebServer(InetSocketAddress listen, Handler routes, WebConfig config, Duration checkEvery)
      throws IOException, GeneralSecurityException {
    this.config = config;
    this.configFile = config.file();
    this.fingerprint = configFile == null ? null : fingerprint(configFile, config);
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("web");
    threads.setDaemon(true);
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    // A task name may hold '/' or '%': the status page's /tasks/<name> carries it as %2F or %25.
    http.setUriCompliance(UriCompliance.DEFAULT.with("dm-exporter",
        UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR, UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
    if (config.tls() != null) {
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      // Scrapers often address the exporter by IP; the certificate's names are checked by them.
      secure.setSniHostCheck(false);
      http.addCustomizer(secure);
      tls = TlsContext.factory(config.tls());
      List<ConnectionFactory> factories = new ArrayList<>();
      HttpConnectionFactory http1 = new HttpConnectionFactory(http);
      if (config.http().http2()) {
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
        alpn.setDefaultProtocol(http1.getProtocol());
        factories.add(new SslConnectionFactory(tls, alpn.getProtocol()));
        factories.add(alpn);
        factories.add(new HTTP2ServerConnectionFactory(http));
      } else {
        factories.add(new SslConnectionFactory(tls, http1.getProtocol()));
      }
      factories.add(http1);
      connector = new ServerConnector(server, 1, 1, factories.toArray(ConnectionFactory[]::new));
    } else {
      tls = null;
      connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    }
    if (!listen.getAddress().isAnyLocalAddress()) {
      connector.setHost(listen.getHostString());
    }
    connector.setPort(listen.getPort());
    server.addConnector(connector);
    gate = new Gate(Gate.Policy.of(config, null), routes);
    server.setHandler(gate);
    server.setStopTimeout(2000);
    this.checkEvery = configFile == null ? null : checkEvery;
  }

  /** Starts listening, then watching the web config file; throws if the address cannot be bound. */
  public synchronized void start() throws Exception {
    server.start();
    if (checkEvery != null && watcher == null) {
      watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "web-config");
        t.setDaemon(true);
        return t;
      });
      long every = checkEvery.toNanos();
      watcher.scheduleWithFixedDelay(this::checkQuietly, every, every, TimeUnit.NANOSECONDS);
    }
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** The web config in force. */
  public synchronized WebConfig config() {
    return config;
  }

  private void checkQuietly() {
    try {
      checkConfig();
    } catch (RuntimeException e) {
      log.error("checking the web config file failed: {}", e.toString());
    }
  }

  /**
   * Reads the web config file and the files it names; when any changed, loads and applies it.
   * A file that cannot be applied leaves the config in force, logged once per version of it.
   */
  public synchronized Reload checkConfig() {
    if (configFile == null) {
      return Reload.UNCHANGED;
    }
    byte[] now = fingerprint(configFile, config);
    if (Arrays.equals(now, fingerprint)) {
      return Reload.UNCHANGED;
    }
    if (Arrays.equals(now, refusedFingerprint)) {
      return Reload.REFUSED; // the same bad version as last time: said once already
    }
    String problem;
    try {
      WebConfig next = WebConfig.load(configFile);
      problem = apply(next);
      if (problem == null) {
        config = next;
        fingerprint = fingerprint(configFile, next);
        refusedFingerprint = null;
        refused = null;
        log.info("web config file {} changed: applied", configFile);
        return Reload.APPLIED;
      }
    } catch (WebConfig.WebConfigException e) {
      problem = e.getMessage();
    }
    refusedFingerprint = now;
    if (!problem.equals(refused)) {
      log.error("web config file {} changed but is not applied, the last good one stays in force: {}", configFile, problem);
      refused = problem;
    }
    return Reload.REFUSED;
  }

  /** Applies {@code next}, or says why not (nothing changed then). */
  private String apply(WebConfig next) {
    if ((config.tls() == null) != (next.tls() == null)) {
      return "turning TLS " + (next.tls() == null ? "off" : "on") + " needs a restart";
    }
    if (config.tls() != null && config.http().http2() != next.http().http2()) {
      return "http_server_config.http2 changes need a restart";
    }
    try {
      TlsContext.Prepared prepared = next.tls() == null ? null : TlsContext.prepare(next.tls());
      Gate.Policy policy = Gate.Policy.of(next, gate.policy());
      if (prepared != null) {
        prepared.reload(tls);
      }
      gate.policy(policy);
      return null;
    } catch (Exception e) {
      return "cannot apply it: " + e;
    }
  }

  /** A digest of the config file and every file it names, as they are now (unreadable ones count as such). */
  private static byte[] fingerprint(Path file, WebConfig config) {
    MessageDigest d;
    try {
      d = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    List<Path> files = new ArrayList<>();
    files.add(file);
    if (config.tls() != null) {
      files.addAll(config.tls().files());
    }
    for (Path p : files) {
      d.update(p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      try {
        d.update(WebConfig.readBounded(p));
      } catch (IOException | RuntimeException e) {
        d.update(new byte[] {0});
      }
    }
    return d.digest();
  }

  /** Stops watching, then serving. */
  @Override
  public void close() throws Exception {
    ScheduledExecutorService w;
    synchronized (this) {
      w = watcher;
    }
    if (w != null) {
      w.shutdownNow();
      w.awaitTermination(5, TimeUnit.SECONDS);
    }
    server.stop();
  }
}
