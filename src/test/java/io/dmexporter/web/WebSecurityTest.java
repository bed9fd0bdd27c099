package io.dmexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.dmexporter.Exporter;
import io.dmexporter.config.HostPort;
import io.dmexporter.dm.TlsSettings;
import io.dmexporter.poll.PollSettings.QueryMode;
import io.dmexporter.poll.PollSettings;
import io.dmexporter.testing.Certs.KeyFormat;
import io.dmexporter.testing.Certs;
import io.dmexporter.testing.FakeDm;
import io.dmexporter.testing.Seed;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --web.config.file on a real Jetty: every toolkit key, and changes applied without a restart. */
class WebSecurityTest {
  @TempDir static Path dir;
  static Certs certs;
  static String hash;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void certificates() throws Exception {
    certs = new Certs(dir)
        .selfSigned("server", KeyFormat.EC_PKCS8, "IP:127.0.0.1")
        .selfSigned("rotated", KeyFormat.RSA_PKCS1, "IP:127.0.0.1")
        .selfSigned("ca", KeyFormat.EC_SEC1, "DNS:ca")
        .signed("scraper", "ca", "DNS:prometheus.monitoring.svc,URI:spiffe://cluster/prometheus")
        .signed("intruder", "ca", "DNS:intruder.example,IP:10.0.0.66")
        .selfSigned("stranger", KeyFormat.EC_PKCS8, "DNS:prometheus.monitoring.svc")
        .selfSigned("ec-sec1", KeyFormat.EC_SEC1, "IP:127.0.0.1")
        .selfSigned("rsa-pkcs8", KeyFormat.RSA_PKCS8, "IP:127.0.0.1");
    hash = BCrypt.withDefaults().hashToString(4, "s3cret".toCharArray());
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  // ------------------------------------------------------------------ helpers

  private static WebConfig config(String yaml) throws Exception {
    return WebConfig.load(Files.writeString(dir.resolve("web.yml"), yaml));
  }

  /** A web server answering "ok" on every path, with {@code yaml} as its web config file (checked by hand). */
  private WebServer serve(String yaml) throws Exception {
    Handler ok = new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        response.write(true, ByteBuffer.wrap("ok\n".getBytes(StandardCharsets.UTF_8)), callback);
        return true;
      }
    };
    WebServer web = new WebServer(new InetSocketAddress("127.0.0.1", 0), ok, config(yaml), null);
    web.start();
    open.add(web);
    return web;
  }

  /** A client trusting the server certificates, with {@code clientCert} (or none), offering only {@code protocols}/{@code ciphers} when given. */
  private static HttpClient client(String clientCert, String[] protocols, String[] ciphers) throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    List<X509Certificate> trusted = new ArrayList<>();
    for (String server : List.of("server", "rotated", "ec-sec1", "rsa-pkcs8")) {
      trusted.addAll(Pem.certificates(Files.readString(certs.crt(server)), server));
    }
    tmf.init(Pem.trustStore(trusted));
    KeyManager[] keys = null;
    if (clientCert != null) {
      char[] pw = "pw".toCharArray();
      KeyStore ks = Pem.keyStore(Pem.certificates(Files.readString(certs.crt(clientCert)), clientCert),
          Pem.privateKey(Files.readString(certs.key(clientCert)), clientCert), pw);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
      keys = new KeyManager[] {new SendsItAnyway((X509ExtendedKeyManager) kmf.getKeyManagers()[0])};
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(keys, tmf.getTrustManagers(), null);
    SSLParameters p = ctx.getDefaultSSLParameters();
    if (protocols != null) {
      p.setProtocols(protocols);
    }
    if (ciphers != null) {
      p.setCipherSuites(ciphers);
    }
    return HttpClient.newBuilder().sslContext(ctx).sslParameters(p).connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** A client that sends its certificate whichever issuers the server names (Java's own would hold it back). */
  private static final class SendsItAnyway extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager keys;

    SendsItAnyway(X509ExtendedKeyManager keys) {
      this.keys = keys;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return "server";
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "server";
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"server"};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return keys.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return keys.getPrivateKey(alias);
    }
  }

  private static HttpClient client() throws Exception {
    return client(null, null, null);
  }

  private static HttpResponse<String> get(HttpClient client, String url, String user, String password) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (user != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String https(WebServer web) {
    return "https://127.0.0.1:" + web.port() + "/";
  }

  private static String tls(String more) {
    return """
        tls_server_config:
          cert_file: server.crt
          key_file: server.key
        """ + more.indent(2);
  }

  // ------------------------------------------------------------------ the exporter behind TLS and basic auth

  @Test
  void everyEndpointBehindHttpsAndBasicAuth() throws Exception {
    Path file = Files.writeString(dir.resolve("exporter-web.yml"), """
        tls_server_config:
          cert_file: server.crt
          key_file: server.key
        http_server_config:
          headers:
            X-Content-Type-Options: nosniff
            Strict-Transport-Security: max-age=31536000
        basic_auth_users:
          prometheus: "%s"
        """.formatted(hash));
    FakeDm worker = FakeDm.start();
    open.add(worker);
    worker.workerStatus = Seed.workers().get("worker1");
    Exporter exporter = Exporter.start(new Exporter.Settings(
        new PollSettings(QueryMode.STATIC, List.of(), List.of(worker.address()), Duration.ofHours(1), Duration.ofSeconds(2)),
        HostPort.parseListen("127.0.0.1:0"), "/metrics", TlsSettings.NONE, WebConfig.load(file)), Clock.systemUTC());
    open.add(0, exporter);
    assertTrue(exporter.poller().awaitCycles(1, Duration.ofSeconds(60)));
    HttpClient https = client();
    String base = "https://127.0.0.1:" + exporter.port();
    for (String path : List.of("/metrics", "/-/healthy", "/-/ready", "/api/v1/status", "/")) {
      HttpResponse<String> anonymous = get(https, base + path, null, null);
      assertEquals(401, anonymous.statusCode(), path);
      assertTrue(anonymous.headers().firstValue("www-authenticate").orElse("").startsWith("Basic"));
      assertEquals("nosniff", anonymous.headers().firstValue("x-content-type-options").orElse(""), "headers on a 401 too");
      assertEquals(401, get(https, base + path, "prometheus", "wrong").statusCode(), path);
      assertEquals(401, get(https, base + path, "nobody", "s3cret").statusCode(), path);
      HttpResponse<String> ok = get(https, base + path, "prometheus", "s3cret");
      assertEquals(200, ok.statusCode(), path);
      assertEquals("max-age=31536000", ok.headers().firstValue("strict-transport-security").orElse(""));
    }
    assertTrue(get(https, base + "/metrics", "prometheus", "s3cret").body().contains("dm_subtask_stage{"));
    assertEquals(HttpClient.Version.HTTP_2, get(https, base + "/-/healthy", "prometheus", "s3cret").version(),
        "HTTP/2 over TLS by default, as the toolkit");
    HttpClient plain = HttpClient.newHttpClient();
    assertThrows(IOException.class, () -> get(plain, "http://127.0.0.1:" + exporter.port() + "/-/healthy", "prometheus", "s3cret"),
        "no plain HTTP on a TLS listener");
  }

  @Test
  void theBcryptCheckNeverRunsOnANonBlockingThread() {
    assertEquals(Handler.InvocationType.BLOCKING, new Gate(Gate.Policy.of(WebConfig.NONE, null),
        new Handler.Abstract.NonBlocking() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            return false;
          }
        }).getInvocationType());
  }

  // ------------------------------------------------------------------ tls_server_config

  @Test
  void keysInEveryFormatServe() throws Exception {
    for (String name : List.of("server", "rotated", "ec-sec1", "rsa-pkcs8")) {
      WebServer web = serve("tls_server_config:\n  cert_file: %s.crt\n  key_file: %s.key\n".formatted(name, name));
      HttpResponse<String> r = client().send(HttpRequest.newBuilder(URI.create(https(web))).build(),
          HttpResponse.BodyHandlers.ofString());
      String served = ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0]).getSubjectX500Principal().getName();
      assertEquals("CN=" + name, served);
    }
  }

  @Test
  void inlineCertificateAndKey() throws Exception {
    String yaml = "tls_server_config:\n  cert: |\n%s  key: |\n%s".formatted(
        Files.readString(certs.crt("server")).indent(4), Files.readString(certs.key("server")).indent(4));
    assertEquals(200, get(client(), https(serve(yaml)), null, null).statusCode());
  }

  @Test
  void clientCertificatesAndTheirSans() throws Exception {
    String url = https(serve(tls("""
        client_ca_file: ca.crt
        client_auth_type: RequireAndVerifyClientCert
        client_allowed_sans: [prometheus.monitoring.svc]
        """)));
    assertEquals(200, get(client("scraper", null, null), url, null, null).statusCode());
    assertThrows(IOException.class, () -> get(client("intruder", null, null), url, null, null), "signed by the CA, but another SAN");
    assertThrows(IOException.class, () -> get(client("stranger", null, null), url, null, null), "the right SAN, not signed by the CA");
    assertThrows(IOException.class, () -> get(client(), url, null, null), "no certificate");

    String any = https(serve(tls("""
        client_auth_type: RequireAnyClientCert
        client_allowed_sans: ["spiffe://cluster/prometheus", "10.0.0.66"]
        """)));
    assertEquals(200, get(client("scraper", null, null), any, null, null).statusCode(), "URI SAN");
    assertEquals(200, get(client("intruder", null, null), any, null, null).statusCode(), "IP SAN");
    assertThrows(IOException.class, () -> get(client("stranger", null, null), any, null, null));
    assertThrows(IOException.class, () -> get(client(), any, null, null), "a certificate is required");

    String ifGiven = https(serve(tls("client_ca_file: ca.crt\nclient_auth_type: VerifyClientCertIfGiven\n")));
    assertEquals(200, get(client(), ifGiven, null, null).statusCode());
    assertEquals(200, get(client("scraper", null, null), ifGiven, null, null).statusCode());
    assertThrows(IOException.class, () -> get(client("stranger", null, null), ifGiven, null, null), "given, so verified");

    String request = https(serve(tls("client_auth_type: RequestClientCert\n")));
    assertEquals(200, get(client(), request, null, null).statusCode());
    assertEquals(200, get(client("stranger", null, null), request, null, null).statusCode(), "asked for, not verified");
  }

  @Test
  void versionsAndCipherSuites() throws Exception {
    String tls13 = https(serve(tls("min_version: TLS13\n")));
    assertThrows(IOException.class, () -> get(client(null, new String[] {"TLSv1.2"}, null), tls13, null, null));
    assertEquals(200, get(client(null, new String[] {"TLSv1.3"}, null), tls13, null, null).statusCode());

    String tls12 = https(serve(tls("""
        max_version: TLS12
        cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]
        """)));
    assertThrows(IOException.class, () -> get(client(null, new String[] {"TLSv1.3"}, null), tls12, null, null));
    assertThrows(IOException.class, () -> get(client(null, null, new String[] {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"}),
        tls12, null, null), "a suite not in cipher_suites");
    HttpResponse<String> r = get(client(null, null, null), tls12, null, null);
    assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", r.sslSession().orElseThrow().getCipherSuite());
  }

  @Test
  void http2CanBeTurnedOff() throws Exception {
    String url = https(serve(tls("") + "http_server_config:\n  http2: false\n"));
    assertEquals(HttpClient.Version.HTTP_1_1, get(client(), url, null, null).version());
  }

  @Test
  void rateLimit() throws Exception {
    String url = "http://127.0.0.1:" + serve("rate_limit:\n  interval: 1h\n  burst: 2\n").port() + "/";
    HttpClient http = HttpClient.newHttpClient();
    assertEquals(200, get(http, url, null, null).statusCode());
    assertEquals(200, get(http, url, null, null).statusCode());
    assertEquals(429, get(http, url, null, null).statusCode(), "the burst is spent, the next token is an hour away");
  }

  // ------------------------------------------------------------------ changes without a restart

  @Test
  void certificateRotationAndNewUsersApplyWithoutARestart() throws Exception {
    Path crt = dir.resolve("live.crt");
    Path key = dir.resolve("live.key");
    Files.copy(certs.crt("server"), crt, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(certs.key("server"), key, StandardCopyOption.REPLACE_EXISTING);
    String live = "tls_server_config:\n  cert_file: live.crt\n  key_file: live.key\n";
    WebServer web = serve(live + "basic_auth_users:\n  prometheus: \"" + hash + "\"\n");
    String url = https(web);
    assertEquals(WebServer.Reload.UNCHANGED, web.checkConfig());
    assertEquals("CN=server", servedCertificate(url));

    // cert-manager rotates: the same file names, new contents (here an RSA key in PKCS#1).
    Files.copy(certs.crt("rotated"), crt, StandardCopyOption.REPLACE_EXISTING);
    assertEquals(WebServer.Reload.REFUSED, web.checkConfig(), "half-rotated: the key does not match yet");
    assertEquals("CN=server", servedCertificate(url), "the last good pair still serves");
    Files.copy(certs.key("rotated"), key, StandardCopyOption.REPLACE_EXISTING);
    assertEquals(WebServer.Reload.APPLIED, web.checkConfig());
    assertEquals("CN=rotated", servedCertificate(url), "new connections get the new certificate");
    assertEquals(WebServer.Reload.UNCHANGED, web.checkConfig());

    String other = BCrypt.withDefaults().hashToString(4, "n3w".toCharArray());
    Files.writeString(dir.resolve("web.yml"), live + "basic_auth_users:\n  grafana: \"" + other + "\"\n");
    assertEquals(WebServer.Reload.APPLIED, web.checkConfig());
    assertEquals(200, get(client(), url, "grafana", "n3w").statusCode());
    assertEquals(401, get(client(), url, "prometheus", "s3cret").statusCode(), "a removed user is out at once");

    Files.writeString(dir.resolve("web.yml"), live + "  min_version: TLS14\n");
    assertEquals(WebServer.Reload.REFUSED, web.checkConfig(), "a broken file");
    assertEquals(WebServer.Reload.REFUSED, web.checkConfig(), "still the same broken file");
    assertEquals(200, get(client(), url, "grafana", "n3w").statusCode(), "the last good config stays in force");
    Files.writeString(dir.resolve("web.yml"), "basic_auth_users: {}\n");
    assertEquals(WebServer.Reload.REFUSED, web.checkConfig(), "TLS cannot be turned off without a restart");
    assertEquals(401, get(client(), url, null, null).statusCode());
  }

  @Test
  void theExporterPicksUpChangesByItself() throws Exception {
    Path file = Files.writeString(dir.resolve("watched.yml"), "basic_auth_users:\n  prometheus: \"" + hash + "\"\n");
    Exporter exporter = Exporter.start(new Exporter.Settings(
        new PollSettings(QueryMode.STATIC, List.of(), List.of("127.0.0.1:1"), Duration.ofHours(1), Duration.ofSeconds(1)),
        HostPort.parseListen("127.0.0.1:0"), "/metrics", TlsSettings.NONE, WebConfig.load(file)), Clock.systemUTC());
    open.add(exporter);
    String url = "http://127.0.0.1:" + exporter.port() + "/-/healthy";
    HttpClient http = HttpClient.newHttpClient();
    assertEquals(401, get(http, url, null, null).statusCode());
    Files.writeString(file, "basic_auth_users: {}\n");
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (exporter.web().config().basicAuthUsers().size() == 1) {
      assertTrue(System.nanoTime() < end, "the change was not applied within 30 s");
      Thread.sleep(20);
    }
    assertEquals(200, get(http, url, null, null).statusCode(), "no users any more: no authentication");
  }

  private static String servedCertificate(String url) throws Exception {
    // A new client: a new TLS connection, no session resumed.
    HttpResponse<String> r = client().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0]).getSubjectX500Principal().getName();
  }
}
