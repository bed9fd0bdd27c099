package io.dmexporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import io.dmexporter.testing.ServerProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered manifests' probes and scrape, run for real against the jar: what the kubelet
 * does with each probe of the Deployment and what Prometheus does with the ServiceMonitor's
 * endpoint, first for deploy/kubernetes as it is, then with components/web-config against an
 * exporter serving HTTPS with basic auth.
 */
class KubernetesProbesIT {
  private static final String PASSWORD = "scrape-secret";

  @TempDir Path work;

  private final RepoFiles repo = RepoFiles.fromSystemProperty();
  private final Kustomize kustomize = new Kustomize(repo);

  @Test
  void baseProbesAndScrapeWorkOnPlainHttp() throws Exception {
    List<JsonNode> objects = kustomize.render();
    int port = ServerProcess.freePort();
    try (ServerProcess exporter = start(port)) {
      assertProbesPass(objects, port, exporter);
      assertScrapeWorks(objects, port, null);
    }
  }

  @Test
  void webConfigComponentProbesAndScrapeWorkWithHttpsAndBasicAuth() throws Exception {
    Path openssl = Command.require("openssl", "openssl", "KubernetesProbesIT");
    Command.run(List.of(openssl.toString(), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-days", "2", "-subj", "/CN=dm-exporter", "-addext", "subjectAltName=IP:127.0.0.1",
        "-keyout", work.resolve("tls.key").toString(), "-out", work.resolve("tls.crt").toString()), work,
        Duration.ofMinutes(1)).ok();
    // the Secret dm-exporter-web-config as the component's comment tells to make it
    Files.writeString(work.resolve("web-config.yml"), "tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n"
        + "basic_auth_users:\n  prometheus: '" + BCrypt.withDefaults().hashToString(10, PASSWORD.toCharArray()) + "'\n");

    List<JsonNode> objects = kustomize.render("web-config");
    String flag = argument(objects, "--web.config.file=");
    assertTrue(flag.startsWith("/etc/dm-exporter/web/"), flag);
    int port = ServerProcess.freePort();
    try (ServerProcess exporter = start(port, "--web.config.file=" + work.resolve(Path.of(flag).getFileName()))) {
      assertProbesPass(objects, port, exporter);
      assertScrapeWorks(objects, port, "prometheus:" + PASSWORD);
      // and why the component exists: the base's HTTP probes fail against this exporter
      for (String probe : List.of("readinessProbe", "livenessProbe")) {
        assertFalse(probe(probe(kustomize.render(), probe), port), "the base's " + probe + " passed against HTTPS");
      }
    }
  }

  private ServerProcess start(int port, String... more) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", System.getProperty("dm.exporter.jar"), "--demo", "--web.listen-address=127.0.0.1:" + port));
    command.addAll(List.of(more));
    return ServerProcess.start("probes-exporter-" + port, command, work);
  }

  /** Each probe of the Deployment, as the kubelet runs it, passes within its first minute. */
  private static void assertProbesPass(List<JsonNode> objects, int port, ServerProcess exporter) {
    for (String name : List.of("livenessProbe", "readinessProbe")) {
      JsonNode probe = probe(objects, name);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!probe(probe, port)) {
        assertTrue(System.nanoTime() < deadline, name + " " + probe + " never passed:\n" + exporter.report());
        ServerProcess.sleep(Duration.ofMillis(250));
      }
    }
  }

  private static JsonNode probe(List<JsonNode> objects, String name) {
    JsonNode container = Kustomize.only(objects, "Deployment").path("spec").path("template").path("spec")
        .path("containers").get(0);
    JsonNode probe = container.path(name);
    assertTrue(probe.isObject(), "no " + name);
    String port = (probe.has("httpGet") ? probe.path("httpGet") : probe.path("tcpSocket")).path("port").asText();
    assertTrue(port.equals("metrics") || port.equals(String.valueOf(DockerfileTest.DEFAULT_PORT)),
        name + " must target the metrics port, which the test maps to its own: " + probe);
    return probe;
  }

  /** One probe as the kubelet runs it: TCP connect, or GET without certificate checks, 200-399 passes. */
  private static boolean probe(JsonNode probe, int port) {
    if (probe.has("tcpSocket")) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return true;
      } catch (IOException e) {
        return false;
      }
    }
    JsonNode get = probe.path("httpGet");
    String scheme = get.path("scheme").asText("HTTP").toLowerCase();
    try {
      int status = send(scheme + "://127.0.0.1:" + port + get.path("path").asText(), null).statusCode();
      return status >= 200 && status < 400;
    } catch (IOException e) {
      return false;
    }
  }

  /** What Prometheus does with the ServiceMonitor's endpoint: scheme, TLS settings, basic auth, path. */
  private static void assertScrapeWorks(List<JsonNode> objects, int port, String credentials) throws IOException {
    JsonNode endpoint = Kustomize.only(objects, "ServiceMonitor").path("spec").path("endpoints").get(0);
    String scheme = endpoint.path("scheme").asText("http");
    if (scheme.equals("https")) {
      assertTrue(endpoint.path("tlsConfig").path("insecureSkipVerify").asBoolean(),
          "the test's certificate is self-signed, as the component assumes: " + endpoint);
    }
    assertEquals(credentials != null, endpoint.has("basicAuth"), "basicAuth in the ServiceMonitor: " + endpoint);
    HttpResponse<String> r = send(scheme + "://127.0.0.1:" + port + endpoint.path("path").asText(), credentials);
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().contains("dm_exporter_build_info"), "a scrape returns the exporter's metrics");
  }

  private static String argument(List<JsonNode> objects, String prefix) {
    for (JsonNode a : Kustomize.only(objects, "Deployment").path("spec").path("template").path("spec")
        .path("containers").get(0).path("args")) {
      if (a.asText().startsWith(prefix)) {
        return a.asText().substring(prefix.length());
      }
    }
    throw new AssertionError("no argument " + prefix);
  }

  private static HttpResponse<String> send(String url, String credentials) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
    if (credentials != null) {
      request.header("Authorization", "Basic "
          + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
    try {
      return INSECURE.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** A client that, like the kubelet and insecureSkipVerify, accepts any server certificate. */
  private static final HttpClient INSECURE = insecureClient();

  private static HttpClient insecureClient() {
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, new SecureRandom());
      return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(2)).build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
