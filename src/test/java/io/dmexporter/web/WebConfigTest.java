package io.dmexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.dmexporter.testing.Certs;
import io.dmexporter.testing.Certs.KeyFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every key the exporter-toolkit documents is read; every bad file is one line naming the key. */
class WebConfigTest {
  @TempDir static Path dir;
  static final String HASH = "$2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze";

  @BeforeAll
  static void certificates() throws Exception {
    new Certs(dir).selfSigned("server", KeyFormat.EC_PKCS8, "IP:127.0.0.1")
        .selfSigned("rsa1", KeyFormat.RSA_PKCS1, "DNS:x").selfSigned("sec1", KeyFormat.EC_SEC1, "DNS:x")
        .selfSigned("ca", KeyFormat.EC_PKCS8, "DNS:ca");
    Certs.openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256", "-pass", "pass:x",
        "-out", dir.resolve("encrypted.key").toString());
    Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n");
  }

  private static WebConfig load(String yaml) throws Exception {
    return WebConfig.load(Files.writeString(dir.resolve("web.yml"), yaml));
  }

  private static String tls(String more) {
    return "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n" + more.indent(2);
  }

  @Test
  void everyDocumentedKey() throws Exception {
    WebConfig c = load(tls("""
        client_auth_type: RequireAndVerifyClientCert
        client_ca_file: ca.crt
        client_allowed_sans: [prometheus.monitoring.svc, "10.0.0.1"]
        min_version: TLS12
        max_version: TLS13
        cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]
        prefer_server_cipher_suites: false
        """) + """
        http_server_config:
          http2: false
          headers:
            Content-Security-Policy: default-src 'self'
            X-Frame-Options: deny
            X-Content-Type-Options: nosniff
            X-XSS-Protection: "1; mode=block"
            Strict-Transport-Security: max-age=31536000; includeSubDomains
        basic_auth_users:
          alice: %s
        rate_limit:
          interval: 1s
          burst: 20
        """.formatted(HASH));
    WebConfig.Tls t = c.tls();
    assertEquals(WebConfig.ClientAuth.RequireAndVerifyClientCert, t.clientAuth());
    assertEquals(1, t.clientCas().size());
    assertEquals(List.of("prometheus.monitoring.svc", "10.0.0.1"), t.clientAllowedSans());
    assertEquals(WebConfig.TlsVersion.TLS12, t.minVersion());
    assertEquals(List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"), t.cipherSuites());
    assertFalse(t.preferServerCipherSuites());
    assertEquals(List.of(dir.resolve("server.crt"), dir.resolve("server.key"), dir.resolve("ca.crt")), t.files());
    assertFalse(c.http().http2());
    assertEquals(5, c.http().headers().size());
    assertEquals(Map.of("alice", HASH), c.basicAuthUsers());
    assertEquals(new WebConfig.RateLimit(Duration.ofSeconds(1), 20), c.rateLimit());
    assertEquals(dir.resolve("web.yml"), c.file());
  }

  @Test
  void defaultsAsTheToolkit() throws Exception {
    WebConfig c = load(tls(""));
    assertEquals(WebConfig.ClientAuth.NoClientCert, c.tls().clientAuth());
    assertEquals(WebConfig.TlsVersion.TLS12, c.tls().minVersion());
    assertEquals(WebConfig.TlsVersion.TLS13, c.tls().maxVersion());
    assertTrue(c.tls().preferServerCipherSuites());
    assertTrue(c.http().http2());
    assertFalse(c.rateLimit().on());
    WebConfig empty = load("");
    assertNull(empty.tls());
    assertTrue(empty.basicAuthUsers().isEmpty());
    assertNull(load("tls_server_config: {}\n").tls(), "an empty TLS section is no TLS, as in the toolkit");
    assertEquals(WebConfig.ClientAuth.RequireAnyClientCert, load(tls("client_auth_type: RequireClientCert\n")).tls().clientAuth(),
        "the toolkit's old name");
    assertFalse(load("rate_limit:\n  interval: 0\n").rateLimit().on());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {"server", "rsa1", "sec1"})
  void keysInPkcs8Pkcs1AndSec1(String name) throws Exception {
    WebConfig c = load("tls_server_config:\n  cert_file: %s.crt\n  key_file: %s.key\n".formatted(name, name));
    assertEquals(name.equals("rsa1") ? "RSA" : "EC", c.tls().key().getAlgorithm());
  }

  @Test
  void inlinePem() throws Exception {
    String yaml = "tls_server_config:\n  cert: |\n%s  key: |\n%s  client_ca: |\n%s  client_auth_type: VerifyClientCertIfGiven\n"
        .formatted(Files.readString(dir.resolve("server.crt")).indent(4), Files.readString(dir.resolve("server.key")).indent(4),
            Files.readString(dir.resolve("ca.crt")).indent(4));
    WebConfig c = load(yaml);
    assertEquals(1, c.tls().chain().size());
    assertEquals(1, c.tls().clientCas().size());
    assertEquals(List.of(), c.tls().files(), "nothing to watch but the file itself");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
      "foo: 1|unknown key 'foo' (known: basic_auth_users, http_server_config, rate_limit, tls_server_config)",
      "tls_server_config:\\n  certfile: a|unknown key 'tls_server_config.certfile'",
      "http_server_config:\\n  http3: true|unknown key 'http_server_config.http3'",
      "- a\\n- b|must be a mapping",
      "a: [1|is not valid YAML at line",
      "basic_auth_users: {a: 1}\\nbasic_auth_users: {b: 2}|is not valid YAML",
      "basic_auth_users:\\n  alice: plaintext|basic_auth_users.alice is not a bcrypt hash",
      "basic_auth_users:\\n  alice: [x]|basic_auth_users.alice must be a string",
      "basic_auth_users: nobody|basic_auth_users must be a mapping",
      "tls_server_config:\\n  cert_file: nope.crt\\n  key_file: server.key|tls_server_config.cert_file: DIR/nope.crt does not exist",
      "tls_server_config:\\n  cert_file: server.crt|missing one of key or key_file",
      "tls_server_config:\\n  key_file: server.key|missing one of cert or cert_file",
      "tls_server_config:\\n  min_version: TLS13|sets TLS options but no certificate",
      "tls_server_config:\\n  cert_file: server.crt\\n  cert: x\\n  key_file: server.key|give cert or cert_file, not both",
      "tls_server_config:\\n  cert_file: garbage.pem\\n  key_file: server.key|tls_server_config.cert is not valid PEM",
      "tls_server_config:\\n  cert_file: server.key\\n  key_file: server.key|holds no PEM certificate",
      "tls_server_config:\\n  cert_file: server.crt\\n  key_file: server.crt|holds no PEM private key",
      "tls_server_config:\\n  cert_file: server.crt\\n  key_file: encrypted.key|holds an encrypted private key",
      "tls_server_config:\\n  cert_file: server.crt\\n  key_file: sec1.key|the private key does not match the certificate",
      "tls_server_config:\\n  cert_file: server.crt\\n  key_file: rsa1.key|the key is RSA but the certificate's is EC",
  })
  void badFilesAreOneLineNamingTheKey(String yaml, String expected) {
    assertRefused(yaml.replace("\\n", "\n"), expected.replace("DIR", dir.toString()));
  }

  private static void assertRefused(String yaml, String expected) {
    var e = assertThrows(WebConfig.WebConfigException.class, () -> load(yaml));
    assertTrue(e.getMessage().startsWith("web config file " + dir.resolve("web.yml")), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
      "client_auth_type: Maybe|tls_server_config.client_auth_type 'Maybe' is not one of NoClientCert, RequestClientCert",
      "client_auth_type: RequireAndVerifyClientCert|client_auth_type RequireAndVerifyClientCert needs client_ca_file or client_ca",
      "client_ca_file: ca.crt|client CAs are configured but client_auth_type is NoClientCert",
      "client_auth_type: VerifyClientCertIfGiven\\nclient_ca_file: ca.crt\\nclient_allowed_sans: [a]|client_allowed_sans requires client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert",
      "client_auth_type: RequireAnyClientCert\\nclient_allowed_sans: []|tls_server_config.client_allowed_sans is empty",
      "client_auth_type: RequireAnyClientCert\\nclient_allowed_sans: a|tls_server_config.client_allowed_sans must be a list",
      "min_version: TLS14|tls_server_config.min_version 'TLS14' is not one of TLS10, TLS11, TLS12, TLS13",
      "min_version: TLS13\\nmax_version: TLS12|min_version TLS13 is above max_version TLS12",
      "cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]|'TLS_RSA_WITH_RC4_128_SHA' is not a cipher suite the exporter-toolkit accepts",
      "cipher_suites: [TLS_RSA_WITH_AES_128_CBC_SHA]\\nmax_version: TLS12|HTTP/2 needs one of TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "curve_preferences: [CurveP999]|tls_server_config.curve_preferences[0] 'CurveP999' is not one of CurveP256, CurveP384, CurveP521, X25519",
      "prefer_server_cipher_suites: yes please|tls_server_config.prefer_server_cipher_suites must be true or false",
  })
  void badTlsSettings(String more, String expected) {
    assertRefused(tls(more.replace("\\n", "\n")), expected);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
      "http_server_config:\\n  http2: maybe|http_server_config.http2 must be true or false",
      "http_server_config:\\n  headers:\\n    X-Powered-By: me|HTTP header 'X-Powered-By' can not be configured",
      "http_server_config:\\n  headers:\\n    X-Frame-Options: allow|http_server_config.headers.X-Frame-Options 'allow' is not one of deny, sameorigin",
      "http_server_config:\\n  headers: [a]|http_server_config.headers must be a mapping",
      "rate_limit:\\n  interval: soon\\n  burst: 1|rate_limit.interval 'soon' is not a duration",
      "rate_limit:\\n  interval: 1s|rate_limit.burst must be at least 1",
      "rate_limit:\\n  interval: 1s\\n  burst: many|rate_limit.burst must be a whole number",
  })
  void badHttpAndRateLimit(String yaml, String expected) {
    assertRefused(yaml.replace("\\n", "\n"), expected);
  }

  @Test
  void curvePreferencesWhereJavaCanSetThem() throws Exception {
    if (TlsContext.NAMED_GROUPS_SETTABLE) {
      assertEquals(List.of(WebConfig.Curve.CurveP384, WebConfig.Curve.X25519),
          load(tls("curve_preferences: [CurveP384, X25519]\n")).tls().curvePreferences());
    } else {
      var e = assertThrows(WebConfig.WebConfigException.class, () -> load(tls("curve_preferences: [CurveP384, X25519]\n")));
      assertTrue(e.getMessage().contains("curve_preferences needs Java 20 or later")
          && e.getMessage().contains("-Djdk.tls.namedGroups=secp384r1,x25519"), e.getMessage());
    }
  }

  @Test
  void hugeFilesAreRefusedUnread() throws Exception {
    assumeFalse(System.getProperty("os.name").startsWith("Windows"));
    Path big = dir.resolve("big.yml");
    Files.write(big, new byte[(int) WebConfig.MAX_FILE_BYTES + 10]);
    var e = assertThrows(WebConfig.WebConfigException.class, () -> WebConfig.load(big));
    assertTrue(e.getMessage().contains("is larger than"), e.getMessage());
  }
}
