package io.dmexporter.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dmexporter.config.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The {@code --web.config.file} of the Prometheus exporter-toolkit, every key it documents:
 * {@code tls_server_config} (certificate and key from files or inline PEM, client certificates
 * and their allowed SANs, TLS versions, cipher suites by their Go names, curve preferences),
 * {@code http_server_config} ({@code http2}, security {@code headers}), {@code basic_auth_users}
 * (bcrypt) and {@code rate_limit}. Relative file names are resolved against the file's directory.
 * {@link #load} reads and checks everything, certificates and keys included, so a file it accepts
 * can be served; every problem is one line naming the file and the key. {@code file} is where it
 * was read from (null for {@link #NONE}).
 */
public record WebConfig(Tls tls, Http http, RateLimit rateLimit, Map<String, String> basicAuthUsers, Path file) {
  /** No TLS, no authentication, no rate limit, no file. */
  public static final WebConfig NONE = new WebConfig(null, Http.DEFAULT, RateLimit.OFF, Map.of(), null);

  public WebConfig {
    basicAuthUsers = Map.copyOf(basicAuthUsers);
  }

  /**
   * Server TLS, read and checked: the certificate chain and its key, the client CAs (empty when
   * none), and the settings; {@code files} are the files they came from.
   */
  public record Tls(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> clientCas, ClientAuth clientAuth,
      List<String> clientAllowedSans, TlsVersion minVersion, TlsVersion maxVersion, List<String> cipherSuites,
      boolean preferServerCipherSuites, List<Curve> curvePreferences, List<Path> files) {
    public Tls {
      chain = List.copyOf(chain);
      clientCas = List.copyOf(clientCas);
      clientAllowedSans = List.copyOf(clientAllowedSans);
      cipherSuites = List.copyOf(cipherSuites);
      curvePreferences = List.copyOf(curvePreferences);
      files = List.copyOf(files);
    }
  }

  /** {@code http_server_config}: HTTP/2 over TLS, and headers added to every response. */
  public record Http(boolean http2, Map<String, String> headers) {
    static final Http DEFAULT = new Http(true, Map.of());

    public Http {
      headers = Map.copyOf(headers);
    }
  }

  /** {@code rate_limit}: one request per {@code interval} with bursts of {@code burst}; off when the interval is 0. */
  public record RateLimit(Duration interval, int burst) {
    static final RateLimit OFF = new RateLimit(Duration.ZERO, 0);

    public boolean on() {
      return !interval.isZero();
    }
  }

  /** Which client certificates the server asks for and checks, in Go's words. */
  public enum ClientAuth {
    NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert;

    /** Whether the handshake fails without a client certificate. */
    boolean requires() {
      return this == RequireAnyClientCert || this == RequireAndVerifyClientCert;
    }

    /** Whether a client certificate given is checked against the client CAs. */
    boolean verifies() {
      return this == VerifyClientCertIfGiven || this == RequireAndVerifyClientCert;
    }
  }

  /** TLS versions by the toolkit's names, and Java's. */
  public enum TlsVersion {
    TLS10("TLSv1"), TLS11("TLSv1.1"), TLS12("TLSv1.2"), TLS13("TLSv1.3");

    final String javaName;

    TlsVersion(String javaName) {
      this.javaName = javaName;
    }
  }

  /** Curves by the toolkit's names, and Java's named groups. */
  public enum Curve {
    CurveP256("secp256r1"), CurveP384("secp384r1"), CurveP521("secp521r1"), X25519("x25519");

    final String javaName;

    Curve(String javaName) {
      this.javaName = javaName;
    }
  }

  /**
   * The cipher suites the toolkit accepts: Go's {@code tls.CipherSuites()}, by their IANA names,
   * which Java uses too. Go's insecure ones (RC4, 3DES, CBC with SHA-256) are refused, as there.
   */
  static final List<String> CIPHER_SUITES = List.of(
      "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA",
      "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
      "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
  /** TLS 1.3's suites, which Go never lets cipher_suites restrict. */
  static final List<String> TLS13_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256");
  /** Go's HTTP/2 refuses a TLS 1.2 cipher list without one of these. */
  private static final List<String> HTTP2_REQUIRED = List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");

  /** The headers the toolkit lets a file set, with their allowed values (any when none are listed). */
  static final Map<String, List<String>> HEADERS = Map.of(
      "Strict-Transport-Security", List.of(),
      "X-Content-Type-Options", List.of("nosniff"),
      "X-Frame-Options", List.of("deny", "sameorigin"),
      "X-XSS-Protection", List.of(),
      "Content-Security-Policy", List.of());

  private static final Set<String> TOP = Set.of("tls_server_config", "http_server_config", "basic_auth_users", "rate_limit");
  private static final Set<String> TLS_KEYS = Set.of("cert", "key", "client_ca", "cert_file", "key_file",
      "client_auth_type", "client_ca_file", "client_allowed_sans", "min_version", "max_version", "cipher_suites",
      "prefer_server_cipher_suites", "curve_preferences");
  private static final Set<String> HTTP_KEYS = Set.of("http2", "headers");
  private static final Set<String> RATE_KEYS = Set.of("interval", "burst");
  private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(0[4-9]|[12]\\d|3[01])\\$[./A-Za-z0-9]{53}");
  /** Far more than any web config, certificates included; a larger file is refused unread. */
  static final long MAX_FILE_BYTES = 1 << 20;

  /** Thrown for an unusable file; the message is one line naming the file and the key. */
  public static final class WebConfigException extends Exception {
    WebConfigException(String message) {
      super(message);
    }
  }

  /** Reads and checks a web config file and the certificates and keys it names. */
  public static WebConfig load(Path file) throws WebConfigException {
    String where = "web config file " + file;
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .readTree(read(file, where));
    } catch (JsonProcessingException e) {
      String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new WebConfigException(where + " is not valid YAML" + at + ": "
          + e.getOriginalMessage().lines().findFirst().orElse("").strip());
    } catch (IOException e) {
      throw new WebConfigException(where + " is not readable: " + e.getMessage());
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return new WebConfig(null, Http.DEFAULT, RateLimit.OFF, Map.of(), file);
    }
    Node top = new Node(root, where, "");
    top.requireMapping(TOP);
    Path dir = file.toAbsolutePath().getParent();
    Http http = http(top.child("http_server_config"));
    Tls tls = tls(top.child("tls_server_config"), dir, http.http2());
    return new WebConfig(tls, http, rateLimit(top.child("rate_limit")), users(top.child("basic_auth_users")), file);
  }

  private static Tls tls(Node t, Path dir, boolean http2) throws WebConfigException {
    if (t.absent()) {
      return null;
    }
    t.requireMapping(TLS_KEYS);
    if (t.node().isEmpty()) {
      return null;
    }
    ClientAuth auth = t.child("client_auth_type").enumValue(ClientAuth.class, ClientAuth.NoClientCert,
        Map.of("RequireClientCert", ClientAuth.RequireAnyClientCert, "", ClientAuth.NoClientCert));
    List<Path> files = new ArrayList<>();
    String cert = pem(t, "cert", "cert_file", dir, files);
    String key = pem(t, "key", "key_file", dir, files);
    String clientCa = pem(t, "client_ca", "client_ca_file", dir, files);
    if (cert == null && key == null && clientCa == null && auth == ClientAuth.NoClientCert) {
      throw t.error("sets TLS options but no certificate: give cert_file and key_file (or cert and key)");
    }
    if (cert == null) {
      throw t.error("missing one of cert or cert_file");
    }
    if (key == null) {
      throw t.error("missing one of key or key_file");
    }
    List<X509Certificate> chain;
    PrivateKey privateKey;
    List<X509Certificate> cas = List.of();
    try {
      chain = Pem.certificates(cert, t.at("cert"));
      privateKey = Pem.privateKey(key, t.at("key"));
      Pem.requireMatch(chain.get(0), privateKey, t.at("key"));
      if (clientCa != null) {
        cas = Pem.certificates(clientCa, t.at("client_ca"));
      }
    } catch (IOException e) {
      throw new WebConfigException(e.getMessage());
    }
    if (clientCa != null && auth == ClientAuth.NoClientCert) {
      throw t.error("client CAs are configured but client_auth_type is NoClientCert");
    }
    if (auth.verifies() && clientCa == null) {
      throw t.error("client_auth_type " + auth + " needs client_ca_file or client_ca");
    }
    List<String> sans = t.child("client_allowed_sans").strings();
    if (!t.child("client_allowed_sans").absent()) {
      if (!auth.requires()) {
        throw t.error("client_allowed_sans requires client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert");
      }
      if (sans.isEmpty()) {
        throw t.child("client_allowed_sans").error("is empty: list the SANs to allow, or leave it out");
      }
    }
    TlsVersion min = t.child("min_version").enumValue(TlsVersion.class, TlsVersion.TLS12, Map.of());
    TlsVersion max = t.child("max_version").enumValue(TlsVersion.class, TlsVersion.TLS13, Map.of());
    if (min.compareTo(max) > 0) {
      throw t.error("min_version " + min + " is above max_version " + max);
    }
    List<String> ciphers = t.child("cipher_suites").strings();
    for (String c : ciphers) {
      if (!CIPHER_SUITES.contains(c)) {
        throw t.child("cipher_suites").error("'" + c + "' is not a cipher suite the exporter-toolkit accepts (Go's tls.CipherSuites())");
      }
    }
    if (http2 && !ciphers.isEmpty() && min != TlsVersion.TLS13 && ciphers.stream().noneMatch(HTTP2_REQUIRED::contains)) {
      throw t.child("cipher_suites").error("HTTP/2 needs one of " + String.join(", ", HTTP2_REQUIRED)
          + " (or http_server_config.http2: false)");
    }
    List<Curve> curves = new ArrayList<>();
    for (Node c : t.child("curve_preferences").items()) {
      curves.add(c.enumValue(Curve.class, null, Map.of()));
    }
    if (!curves.isEmpty() && !TlsContext.NAMED_GROUPS_SETTABLE) {
      throw t.child("curve_preferences").error("needs Java 20 or later (this is Java " + Runtime.version().feature()
          + "); leave it out, or set the JVM's -Djdk.tls.namedGroups=" + String.join(",",
          curves.stream().map(c -> c.javaName).toList()));
    }
    boolean preferServer = t.child("prefer_server_cipher_suites").bool(true);
    return new Tls(chain, privateKey, cas, auth, sans, min, max, ciphers, preferServer, curves, files);
  }

  /** The PEM text of an inline key ({@code inline}) or a file key ({@code fileKey}); null when neither is set. */
  private static String pem(Node t, String inline, String fileKey, Path dir, List<Path> files) throws WebConfigException {
    Node text = t.child(inline);
    Node name = t.child(fileKey);
    if (!text.absent() && !name.absent()) {
      throw t.error("give " + inline + " or " + fileKey + ", not both");
    }
    if (!text.absent()) {
      return text.string();
    }
    if (name.absent()) {
      return null;
    }
    Path p = dir.resolve(name.string());
    files.add(p);
    return read(p, name.where());
  }

  private static Http http(Node h) throws WebConfigException {
    if (h.absent()) {
      return Http.DEFAULT;
    }
    h.requireMapping(HTTP_KEYS);
    Map<String, String> headers = new LinkedHashMap<>();
    Node hs = h.child("headers");
    if (!hs.absent()) {
      hs.requireMapping(null);
      for (Map.Entry<String, Node> e : hs.entries()) {
        List<String> allowed = HEADERS.get(e.getKey());
        if (allowed == null) {
          throw hs.error("HTTP header '" + e.getKey() + "' can not be configured (only "
              + String.join(", ", new TreeSet<>(HEADERS.keySet())) + ")");
        }
        String value = e.getValue().string();
        if (!allowed.isEmpty() && !allowed.contains(value)) {
          throw e.getValue().error("'" + value + "' is not one of " + String.join(", ", allowed));
        }
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
          throw e.getValue().error("has a control character");
        }
        if (!value.isEmpty()) {
          headers.put(e.getKey(), value); // blank means unset, as in the toolkit
        }
      }
    }
    return new Http(h.child("http2").bool(true), headers);
  }

  private static RateLimit rateLimit(Node r) throws WebConfigException {
    if (r.absent()) {
      return RateLimit.OFF;
    }
    r.requireMapping(RATE_KEYS);
    Node i = r.child("interval");
    Duration interval = Duration.ZERO;
    if (!i.absent() && !i.string().equals("0")) {
      try {
        interval = Durations.parse(i.string());
      } catch (IllegalArgumentException e) {
        throw i.error(e.getMessage());
      }
    }
    Node b = r.child("burst");
    int burst = b.absent() ? 0 : b.integer();
    if (!interval.isZero() && burst < 1) {
      throw b.error("must be at least 1 when interval is set (0 would refuse every request)");
    }
    return new RateLimit(interval, burst);
  }

  private static Map<String, String> users(Node u) throws WebConfigException {
    Map<String, String> users = new LinkedHashMap<>();
    if (u.absent()) {
      return users;
    }
    u.requireMapping(null);
    for (Map.Entry<String, Node> e : u.entries()) {
      String hash = e.getValue().string();
      if (!BCRYPT.matcher(hash).matches()) {
        throw e.getValue().error("is not a bcrypt hash (make one with: htpasswd -nBC 10 \"\" | tr -d ':\\n')");
      }
      users.put(e.getKey(), hash);
    }
    return users;
  }

  /** The text of {@code p}; {@code what} names it in messages ("web config file F" or "web config file F: key"). */
  private static String read(Path p, String what) throws WebConfigException {
    String it = what.endsWith(p.toString()) ? what : what + ": " + p;
    try {
      byte[] bytes = readBounded(p);
      if (bytes.length > MAX_FILE_BYTES) {
        throw new WebConfigException(it + " is larger than " + MAX_FILE_BYTES + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new WebConfigException(it + " does not exist");
    } catch (IOException | SecurityException e) {
      throw new WebConfigException(it + " is not readable: " + e.getMessage());
    }
  }

  /** Up to {@link #MAX_FILE_BYTES} + 1 bytes of {@code p}: a device or pipe named by mistake cannot hang us. */
  static byte[] readBounded(Path p) throws IOException {
    try (java.io.InputStream in = Files.newInputStream(p)) {
      return in.readNBytes((int) MAX_FILE_BYTES + 1);
    }
  }

  /** A YAML node and where it is, for one-line messages ({@code web config file F: a.b: …}). */
  private record Node(JsonNode node, String file, String path) {
    boolean absent() {
      return node == null || node.isNull() || node.isMissingNode();
    }

    Node child(String key) {
      return new Node(absent() ? null : node.get(key), file, path.isEmpty() ? key : path + "." + key);
    }

    String where() {
      return file + ": " + path;
    }

    /** How a PEM from this node is named: {@code web config file F: tls_server_config.cert(_file)}. */
    String at(String key) {
      return where() + "." + key;
    }

    WebConfigException error(String message) {
      return new WebConfigException(where() + " " + message);
    }

    void requireMapping(Set<String> known) throws WebConfigException {
      if (!node.isObject()) {
        throw new WebConfigException(path.isEmpty() ? file + " must be a mapping" : where() + " must be a mapping");
      }
      if (known == null) {
        return;
      }
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!known.contains(key)) {
          throw new WebConfigException(file + ": unknown key '" + (path.isEmpty() ? key : path + "." + key)
              + "' (known: " + String.join(", ", new TreeSet<>(known)) + ")");
        }
      }
    }

    List<Map.Entry<String, Node>> entries() {
      List<Map.Entry<String, Node>> out = new ArrayList<>();
      node.fields().forEachRemaining(e -> out.add(Map.entry(e.getKey(), child(e.getKey()))));
      return out;
    }

    String string() throws WebConfigException {
      if (!node.isValueNode()) {
        throw error("must be a string");
      }
      return node.asText();
    }

    boolean bool(boolean otherwise) throws WebConfigException {
      if (absent()) {
        return otherwise;
      }
      if (!node.isBoolean()) {
        throw error("must be true or false");
      }
      return node.booleanValue();
    }

    int integer() throws WebConfigException {
      if (!node.isInt()) {
        throw error("must be a whole number");
      }
      return node.intValue();
    }

    List<Node> items() throws WebConfigException {
      if (absent()) {
        return List.of();
      }
      if (!node.isArray()) {
        throw error("must be a list");
      }
      List<Node> out = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        out.add(new Node(node.get(i), file, path + "[" + i + "]"));
      }
      return out;
    }

    List<String> strings() throws WebConfigException {
      List<String> out = new ArrayList<>();
      for (Node n : items()) {
        out.add(n.string());
      }
      return out;
    }

    <E extends Enum<E>> E enumValue(Class<E> type, E otherwise, Map<String, E> aliases) throws WebConfigException {
      if (absent()) {
        return otherwise;
      }
      String text = string();
      if (aliases.containsKey(text)) {
        return aliases.get(text);
      }
      for (E e : type.getEnumConstants()) {
        if (e.name().equals(text)) {
          return e;
        }
      }
      throw error("'" + text + "' is not one of " + String.join(", ",
          Arrays.stream(type.getEnumConstants()).map(Enum::name).toList()));
    }
  }
}
