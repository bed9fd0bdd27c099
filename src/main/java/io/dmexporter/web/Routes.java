package io.dmexporter.web;

import io.dmexporter.model.Snapshot;
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
 * {@code /api/v1/status}, the status page at {@code /} with a page per task at
 * {@code /tasks/<name>} and the page's assets under {@code /static/}. Every one reads the current
 * snapshot; none waits on DM.
 */
public final class Routes extends Handler.Abstract.NonBlocking {
  private static final String TASKS = "/tasks/";

  private final String telemetryPath;
  private final PrometheusRegistry registry;
  private final Supplier<Snapshot> snapshots;
  private final StatusApi status;
  private final StatusPage page;
  private final PageAssets assets = PageAssets.load();
  private final ExpositionFormats formats = ExpositionFormats.init();

  public Routes(String telemetryPath, PrometheusRegistry registry, Supplier<Snapshot> snapshots, StatusApi status) {
    this.telemetryPath = telemetryPath;
    this.registry = registry;
    this.snapshots = snapshots;
    this.status = status;
    this.page = new StatusPage(telemetryPath);
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
    PageAssets.headers(response);
    switch (path) {
      case "/-/healthy":
        return text(response, callback, 200, "Healthy\n");
      case "/-/ready":
        return snapshots.get().ready()
            ? text(response, callback, 200, "Ready\n")
            : text(response, callback, 503, "Not ready: the first poll of DM has not finished\n");
      case "/api/v1/status":
        return send(response, callback, 200, "application/json", status.json(status.document(snapshots.get())));
      case "/":
        return html(response, callback, 200, page.overview(status.document(snapshots.get())));
      default:
        if (path.startsWith(TASKS)) {
          return task(path.substring(TASKS.length()), response, callback);
        }
        PageAssets.Asset asset = assets.get(path);
        if (asset != null) {
          return send(response, callback, 200, asset.contentType(), asset.body());
        }
        return text(response, callback, 404, "Not Found\n");
    }
  }

  /** {@code /tasks/<name>}: the name arrives percent-encoded; an unknown task is a 404 page. */
  private boolean task(String encodedName, Response response, Callback callback) {
    String name = Html.decodePathSegment(encodedName);
    StatusDocument doc = status.document(snapshots.get());
    boolean known = name != null && doc.snapshot().tasks().stream().anyMatch(t -> t.name().equals(name));
    return html(response, callback, known ? 200 : 404, page.task(doc, name));
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

  private static boolean html(Response response, Callback callback, int status, String body) {
    return send(response, callback, status, "text/html; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean send(Response response, Callback callback, int status, String contentType, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }
}
