package io.dmexporter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.dmexporter.config.HostPort;
import io.dmexporter.dm.ChannelPool;
import io.dmexporter.dm.DmClient;
import io.dmexporter.metrics.DmCollector;
import io.dmexporter.metrics.ExporterCollector;
import io.dmexporter.poll.PollSettings;
import io.dmexporter.poll.Poller;
import io.dmexporter.web.Routes;
import io.dmexporter.web.WebServer;
import io.grpc.InsecureChannelCredentials;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;

/** The running exporter: poller, collectors and web server wired together. */
public final class Exporter implements AutoCloseable {
  /** Where to listen and what to poll. */
  public record Settings(PollSettings poll, HostPort listen, String telemetryPath) {}

  private final Poller poller;
  private final WebServer web;

  private Exporter(Poller poller, WebServer web) {
    this.poller = poller;
    this.web = web;
  }

  /** Starts listening, then polling; throws if the listen address cannot be bound. */
  public static Exporter start(Settings settings, Clock clock) throws Exception {
    BuildInfo build = BuildInfo.load();
    Poller poller = new Poller(settings.poll(), new DmClient(new ChannelPool(InsecureChannelCredentials.create())), clock);
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new DmCollector(poller::current, clock, settings.poll().staleAfter()));
    registry.register(new ExporterCollector(poller::current, build.version(), build.revision()));
    JvmMetrics.builder().register(registry);
    ObjectMapper json = new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        // Enums read as DM and the metrics name them: "Running", "subtask_error", "timeout".
        .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING);
    Routes routes = new Routes(settings.telemetryPath(), registry, poller::current,
        new Routes.StatusJson(json, clock, settings.poll().staleAfter()), build.version());
    HostPort listen = settings.listen();
    InetSocketAddress address = listen.host().isEmpty()
        ? new InetSocketAddress(listen.port())
        : new InetSocketAddress(listen.host(), listen.port());
    WebServer web = new WebServer(address, routes);
    try {
      web.start();
    } catch (Exception e) {
      poller.close();
      throw e;
    }
    poller.start();
    return new Exporter(poller, web);
  }

  public int port() {
    return web.port();
  }

  public Poller poller() {
    return poller;
  }

  @Override
  public void close() throws Exception {
    poller.close();
    web.close();
  }
}
