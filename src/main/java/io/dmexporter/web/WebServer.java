package io.dmexporter.web;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The exporter's HTTP server: one Jetty connector on the listen address (TLS and basic auth when
 * the web config asks for them), the routes of {@link Routes}.
 */
public final class WebServer implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;

  /** {@code listen} is a resolved listen address; a wildcard address means all interfaces. */
  public WebServer(InetSocketAddress listen, Handler routes, WebConfig config) throws IOException, GeneralSecurityException {
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
      connector = new ServerConnector(server, 1, 1,
          new SslConnectionFactory(ssl(config.tls()), "http/1.1"), new HttpConnectionFactory(http));
    } else {
      connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    }
    if (!listen.getAddress().isAnyLocalAddress()) {
      connector.setHost(listen.getHostString());
    }
    connector.setPort(listen.getPort());
    server.addConnector(connector);
    server.setHandler(config.basicAuthUsers().isEmpty() ? routes : new BasicAuth(config.basicAuthUsers(), routes));
    server.setStopTimeout(2000);
  }

  private static SslContextFactory.Server ssl(WebConfig.Tls tls) throws IOException, GeneralSecurityException {
    char[] password = java.util.UUID.randomUUID().toString().toCharArray();
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStore(Pem.keyStore(tls.certFile(), tls.keyFile(), password));
    ssl.setKeyStorePassword(new String(password));
    ssl.setIncludeProtocols(tls.minVersion().equals("TLS13") ? new String[] {"TLSv1.3"} : new String[] {"TLSv1.2", "TLSv1.3"});
    if (tls.clientCaFile() != null) {
      ssl.setTrustStore(Pem.trustStore(tls.clientCaFile()));
    }
    switch (tls.clientAuth()) {
      case RequireAndVerifyClientCert -> ssl.setNeedClientAuth(true);
      case VerifyClientCertIfGiven -> ssl.setWantClientAuth(true);
      default -> { }
    }
    return ssl;
  }

  /** Starts listening; throws if the address cannot be bound. */
  public void start() throws Exception {
    server.start();
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
