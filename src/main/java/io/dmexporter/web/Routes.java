package io.dmexporter.web;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanPropertyWriter;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.dmexporter.model.ProcessError;
import io.dmexporter.model.Snapshot;
import io.dmexporter.model.Source;
import io.dmexporter.model.SyncStatus;
import io.dmexporter.model.TargetHealth;
import io.dmexporter.model.UnknownSubtask;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.QuotedQualityCSV;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The exporter's endpoints: the telemetry path, {@code /-/healthy}, {@code /-/ready},
 * {@code /api/v1/status} and a landing page. Every one reads the current snapshot; none waits on DM.
 */
public final class Routes extends Handler.Abstract.NonBlocking {
  private final String telemetryPath;
  private final PrometheusRegistry registry;
  private final Supplier<Snapshot> snapshots;
  private final StatusJson statusJson;
  private final String landingPage;
  private final ExpositionFormats formats = ExpositionFormats.init();

  public Routes(String telemetryPath, PrometheusRegistry registry, Supplier<Snapshot> snapshots,
      StatusJson statusJson, String version) {
    this.telemetryPath = telemetryPath;
    this.registry = registry;
    this.snapshots = snapshots;
    this.statusJson = statusJson;
    this.landingPage = LandingPage.html(version, telemetryPath);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String method = request.getMethod();
    if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      return text(response, callback, 405, "Method Not Allowed\n");
    }
    String path = Request.getPathInContext(request);
    if (path.equals(telemetryPath)) {
      return metrics(request, response, callback);
    }
    switch (path) {
      case "/-/healthy":
        return text(response, callback, 200, "Healthy\n");
      case "/-/ready":
        return snapshots.get().ready()
            ? text(response, callback, 200, "Ready\n")
            : text(response, callback, 503, "Not ready: the first poll of DM has not finished\n");
      case "/api/v1/status":
        return send(response, callback, 200, "application/json", statusJson.render(snapshots.get()));
      case "/":
        return send(response, callback, 200, "text/html; charset=utf-8", landingPage.getBytes(StandardCharsets.UTF_8));
      default:
        return text(response, callback, 404, "Not Found\n");
    }
  }

  private boolean metrics(Request request, Response response, Callback callback) throws IOException {
    Fields query = Request.extractQueryParameters(request);
    List<String> names = query.getValues("name[]");
    MetricSnapshots metrics = names == null || names.isEmpty()
        ? registry.scrape()
        : registry.scrape(Set.copyOf(names)::contains);
    ExpositionFormatWriter writer = formats.findWriter(request.getHeaders().get(HttpHeader.ACCEPT));
    boolean gzip = acceptsGzip(request);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);
    try (OutputStream out = gzip ? new GZIPOutputStream(buffer) : buffer) {
      writer.write(out, metrics);
    }
    if (gzip) {
      response.getHeaders().put(HttpHeader.CONTENT_ENCODING, "gzip");
    }
    response.getHeaders().put(HttpHeader.VARY, "Accept, Accept-Encoding");
    return send(response, callback, 200, writer.getContentType(), buffer.toByteArray());
  }

  private static boolean acceptsGzip(Request request) {
    return acceptsGzip(request.getHeaders());
  }

  /**
   * Whether {@code Accept-Encoding} allows gzip, with RFC 9110 weights parsed by Jetty: an explicit
   * {@code gzip} entry decides by its weight ({@code gzip;q=0} refuses it), else {@code *} does.
   */
  static boolean acceptsGzip(HttpFields headers) {
    QuotedQualityCSV codings = new QuotedQualityCSV();
    for (HttpField field : headers.getFields(HttpHeader.ACCEPT_ENCODING)) {
      codings.addValue(field.getValue());
    }
    Boolean any = null;
    for (QuotedQualityCSV.QualityValue coding : codings.getQualityValues()) {
      if (coding.getValue().equalsIgnoreCase("gzip")) {
        return coding.isAcceptable();
      }
      if (coding.getValue().equals("*")) {
        any = coding.isAcceptable();
      }
    }
    return Boolean.TRUE.equals(any);
  }

  private static boolean text(Response response, Callback callback, int status, String body) {
    return send(response, callback, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean send(Response response, Callback callback, int status, String contentType, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }

  /** Serializes a snapshot for {@code /api/v1/status}; a separate type so tests can read it back. */
  public static final class StatusJson {
    /** The free text from DM in the snapshot's records, by record: what {@link ErrorText} applies to. */
    private static final Map<Class<?>, Set<String>> DM_TEXT = Map.of(
        ProcessError.class, Set.of("message", "rawCause", "workaround"),
        Source.class, Set.of("error"),
        UnknownSubtask.class, Set.of("reason"),
        TargetHealth.class, Set.of("message"),
        SyncStatus.class, Set.of("conflictMessage"));

    private final ObjectMapper mapper;
    private final java.time.Clock clock;
    private final java.time.Duration staleAfter;

    /** {@code errorText} decides what is shown of DM's free text. */
    public StatusJson(ObjectMapper mapper, java.time.Clock clock, java.time.Duration staleAfter, ErrorText errorText) {
      this.mapper = errorText == ErrorText.SHOW ? mapper : mapper.copy().registerModule(applying(errorText));
      this.clock = clock;
      this.staleAfter = staleAfter;
    }

    private static SimpleModule applying(ErrorText errorText) {
      JsonSerializer<Object> text = new StdSerializer<>(Object.class) {
        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
          gen.writeString(errorText.apply((String) value));
        }
      };
      SimpleModule module = new SimpleModule("dm-error-text");
      module.setSerializerModifier(new BeanSerializerModifier() {
        @Override
        public List<BeanPropertyWriter> changeProperties(SerializationConfig config, BeanDescription bean,
            List<BeanPropertyWriter> properties) {
          Set<String> names = DM_TEXT.getOrDefault(bean.getBeanClass(), Set.of());
          properties.stream().filter(p -> names.contains(p.getName())).forEach(p -> p.assignSerializer(text));
          return properties;
        }
      });
      return module;
    }

    byte[] render(Snapshot s) throws IOException {
      boolean stale = s.staleAt(clock.instant(), staleAfter);
      return mapper.writeValueAsBytes(new StatusDocument(s.ready(), stale, s));
    }

    /** What {@code /api/v1/status} returns: readiness, whether DM data is stale, the snapshot. */
    public record StatusDocument(boolean ready, boolean stale, Snapshot snapshot) {}
  }
}
