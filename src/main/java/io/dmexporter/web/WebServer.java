package io.dmexporter.web;

import java.net.InetSocketAddress;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The exporter's HTTP server: one Jetty connector on the listen address, the routes of {@link Routes}. */
public final class WebServer implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;

  /** {@code listen} is a resolved listen address; a null host means all interfaces. */
  public WebServer(InetSocketAddress listen, Handler routes) {
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("web");
    threads.setDaemon(true);
    server = new Server(threads);
    connector = new ServerConnector(server, 1, 1);
    if (listen.getHostString() != null && !listen.getHostString().isEmpty() && !listen.getAddress().isAnyLocalAddress()) {
      connector.setHost(listen.getHostString());
    }
    connector.setPort(listen.getPort());
    server.addConnector(connector);
    server.setHandler(routes);
    server.setStopTimeout(2000);
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
