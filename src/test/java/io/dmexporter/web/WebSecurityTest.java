package io.dmexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.dmexporter.Exporter;
import io.dmexporter.config.HostPort;
import io.dmexporter.dm.TlsSettings;
import io.dmexporter.poll.PollSettings;
import io.dmexporter.poll.PollSettings.QueryMode;
import io.dmexporter.testing.FakeDm;
import io.dmexporter.testing.Seed;
import io.dmexporter.testing.Tools;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --web.config.file: HTTPS, client certificates and bcrypt basic auth on a real Jetty. */
class WebSecurityTest {
  @TempDir static Path dir;
  private FakeDm worker;
  private Exporter exporter;

  @BeforeAll
  static void certificates() throws Exception {
    for (String name : List.of("server", "client")) {
      Tools.Run r = Tools.run(List.of(Tools.require("openssl", "openssl").toString(), "req", "-x509", "-newkey", "ec",
          "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=" + name,
          "-addext", "subjectAltName=IP:127.0.0.1",
          "-keyout", dir.resolve(name + ".key").toString(), "-out", dir.resolve(name + ".crt").toString()), null, null);
      assertEquals(0, r.exitCode(), r.output());
    }
  }

  @BeforeEach
  void dm() throws Exception {
    worker = FakeDm.start();
    worker.workerStatus = Seed.workers().get("worker1");
  }

  @AfterEach
  void stop() throws Exception {
    if (exporter != null) {
      exporter.close();
    }
    worker.close();
  }

  private int start(String webConfigYaml) throws Exception {
    Path file = Files.writeString(dir.resolve("web.yml"), webConfigYaml);
    exporter = Exporter.start(new Exporter.Settings(
        new PollSettings(QueryMode.STATIC, List.of(), List.of(worker.address()), Duration.ofHours(1), Duration.ofSeconds(2)),
        HostPort.parseListen("127.0.0.1:0"), "/metrics", TlsSettings.NONE, WebConfig.load(file)), Clock.systemUTC());
    return exporter.port();
  }

  private static SSLContext tls(boolean withClientCert) throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(Pem.trustStore(dir.resolve("server.crt")));
    KeyManagerFactory kmf = null;
    if (withClientCert) {
      char[] pw = "pw".toCharArray();
      KeyStore ks = Pem.keyStore(dir.resolve("client.crt"), dir.resolve("client.key"), pw);
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  private static HttpResponse<String> get(HttpClient client, String url, String user, String password) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (user != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void httpsWithBasicAuth() throws Exception {
    String hash = BCrypt.withDefaults().hashToString(10, "s3cret".toCharArray());
    int port = start("""
        tls_server_config:
          cert_file: server.crt
          key_file: server.key
        basic_auth_users:
          prometheus: "%s"
        """.formatted(hash));
    HttpClient https = HttpClient.newBuilder().sslContext(tls(false)).build();
    String url = "https://127.0.0.1:" + port + "/metrics";
    HttpResponse<String> anonymous = get(https, url, null, null);
    assertEquals(401, anonymous.statusCode());
    assertTrue(anonymous.headers().firstValue("www-authenticate").orElse("").startsWith("Basic"));
    assertEquals(401, get(https, url, "prometheus", "wrong").statusCode());
    assertEquals(401, get(https, url, "nobody", "s3cret").statusCode());
    HttpResponse<String> ok = get(https, url, "prometheus", "s3cret");
    assertEquals(200, ok.statusCode());
    assertTrue(ok.body().contains("dm_exporter_build_info"));
    assertEquals(200, get(https, url, "prometheus", "s3cret").statusCode(), "remembered credentials still pass");
    assertEquals(401, get(https, "https://127.0.0.1:" + port + "/-/healthy", null, null).statusCode(),
        "every endpoint is protected");

    HttpClient plain = HttpClient.newHttpClient();
    assertThrows(IOException.class, () -> get(plain, "http://127.0.0.1:" + port + "/metrics", "prometheus", "s3cret"),
        "no plain HTTP on a TLS listener");
  }

  @Test
  void requiredClientCertificates() throws Exception {
    int port = start("""
        tls_server_config:
          cert_file: server.crt
          key_file: server.key
          client_ca_file: client.crt
          client_auth_type: RequireAndVerifyClientCert
          min_version: TLS13
        """);
    String url = "https://127.0.0.1:" + port + "/-/healthy";
    assertEquals(200, get(HttpClient.newBuilder().sslContext(tls(true)).build(), url, null, null).statusCode());
    assertThrows(IOException.class, () -> get(HttpClient.newBuilder().sslContext(tls(false)).build(), url, null, null),
        "a client without a certificate is refused");
  }

  @Test
  void badFilesAreNamed() throws Exception {
    Path unknown = Files.writeString(dir.resolve("unknown.yml"), "tls_server_config:\n  cert: x\n");
    var e = assertThrows(WebConfig.WebConfigException.class, () -> WebConfig.load(unknown));
    assertTrue(e.getMessage().contains("unknown key 'cert'"), e.getMessage());
    Path badHash = Files.writeString(dir.resolve("hash.yml"), "basic_auth_users:\n  alice: plaintext\n");
    e = assertThrows(WebConfig.WebConfigException.class, () -> WebConfig.load(badHash));
    assertTrue(e.getMessage().contains("basic_auth_users.alice is not a bcrypt hash"), e.getMessage());
    Path missing = Files.writeString(dir.resolve("missing.yml"), "tls_server_config:\n  cert_file: nope.crt\n  key_file: nope.key\n");
    e = assertThrows(WebConfig.WebConfigException.class, () -> WebConfig.load(missing));
    assertTrue(e.getMessage().contains("cert_file") && e.getMessage().contains("not readable"), e.getMessage());
    Path auth = Files.writeString(dir.resolve("auth.yml"),
        "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n");
    e = assertThrows(WebConfig.WebConfigException.class, () -> WebConfig.load(auth));
    assertTrue(e.getMessage().contains("needs client_ca_file"), e.getMessage());
  }
}
