package io.dmexporter;

import io.dmexporter.config.HostPort;
import io.dmexporter.dm.ChannelPool;
import io.dmexporter.dm.DmClient;
import io.dmexporter.dm.TlsSettings;
import io.dmexporter.metrics.Telemetry;
import io.dmexporter.poll.PollSettings;
import io.dmexporter.poll.Poller;
import io.dmexporter.web.ErrorText;
import io.dmexporter.web.ExpositionCache;
import io.dmexporter.web.Routes;
import io.dmexporter.web.StatusApi;
import io.dmexporter.web.WebConfig;
import io.dmexporter.web.WebServer;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Set;

/** The running exporter: poller, collectors and web server wired together. */
public final class Exporter implements AutoCloseable {
  /** Where to listen and how to protect it, what to poll and how to reach it. */
  public record Settings(PollSettings poll, HostPort listen, String telemetryPath, TlsSettings tls, WebConfig web,
      ErrorText errorText, int maxRequests) {
    /** At most {@link Routes#DEFAULT_MAX_REQUESTS} heavy requests served at once. */
    public Settings(PollSettings poll, HostPort listen, String telemetryPath, TlsSettings tls, WebConfig web,
        ErrorText errorText) {
      this(poll, listen, telemetryPath, tls, web, errorText, Routes.DEFAULT_MAX_REQUESTS);
    }

    /** DM's error text shown as {@link ErrorText#defaultFor} the listen host decides. */
    public Settings(PollSettings poll, HostPort listen, String telemetryPath, TlsSettings tls, WebConfig web) {
      this(poll, listen, telemetryPath, tls, web, ErrorText.defaultFor(listen.host()));
    }

    /** Plaintext DM endpoints, plain HTTP without authentication. */
    public Settings(PollSettings poll, HostPort listen, String telemetryPath) {
      this(poll, listen, telemetryPath, TlsSettings.NONE, WebConfig.NONE);
    }
  }

  private final ChannelPool channels;
  private final Poller poller;
  private final WebServer web;
  private final HeapWatch heap;

  private Exporter(ChannelPool channels, Poller poller, WebServer web, HeapWatch heap) {
    this.channels = channels;
    this.poller = poller;
    this.web = web;
    this.heap = heap;
  }

  /** Starts listening, then polling; throws if the listen address cannot be bound. */
  public static Exporter start(Settings settings, Clock clock) throws Exception {
    BuildInfo build = BuildInfo.load();
    ChannelPool channels = new ChannelPool(settings.tls().credentials(), settings.tls().serverName());
    Poller poller = new Poller(settings.poll(), new DmClient(channels), clock);
    Telemetry telemetry = Telemetry.of(poller::current, clock, settings.poll().staleAfter(), build,
        poller::cycleFailures, true);
    Routes routes = new Routes(settings.telemetryPath(), new ExpositionCache(telemetry), poller::current, new StatusApi(clock, settings.poll().interval(), settings.poll().staleAfter(),
            build.version(), settings.errorText()), settings.maxRequests());
    HostPort listen = settings.listen();
    InetSocketAddress address = listen.host().isEmpty()
        ? new InetSocketAddress(listen.port())
        : new InetSocketAddress(listen.host(), listen.port());
    WebServer web = null;
    try {
      web = new WebServer(address, routes.compressed(), settings.web(), WebServer.CHECK_EVERY);
      web.start();
    } catch (Exception e) {
      if (web != null) {
        try {
          web.close();
        } catch (Exception closing) {
          e.addSuppressed(closing);
        }
      }
      poller.close();
      channels.close();
      throw e;
    }
    poller.start();
    return new Exporter(channels, poller, web, HeapWatch.start());
  }

  public int port() {
    return web.port();
  }

  public Poller poller() {
    return poller;
  }

  /** The web server, for its config and its checks of the web config file. */
  public WebServer web() {
    return web;
  }

  /** DM endpoints with an open gRPC channel. */
  public Set<String> openChannels() {
    return channels.addresses();
  }

  /** Stops polling, then closes the channels it used, then the web server: each owner closes its own. */
  @Override
  public void close() throws Exception {
    heap.close();
    try {
      poller.close();
    } finally {
      try {
        channels.close();
      } finally {
        web.close();
      }
    }
  }
}
