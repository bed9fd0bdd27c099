package io.dmexporter.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --web.config.file} of Prometheus exporters: TLS for the HTTP endpoints
 * ({@code tls_server_config}) and bcrypt basic auth ({@code basic_auth_users}). Relative file
 * names are resolved against the config file's directory.
 */
public record WebConfig(Tls tls, Map<String, String> basicAuthUsers) {
  /** No TLS, no authentication. */
  public static final WebConfig NONE = new WebConfig(null, Map.of());

  /** Server TLS: certificate chain and PKCS#8 key (PEM), optional client verification. */
  public record Tls(Path certFile, Path keyFile, Path clientCaFile, ClientAuth clientAuth, String minVersion) {}

  /** Which client certificates the server asks for, in the exporter-toolkit's words. */
  public enum ClientAuth {
    NoClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert
  }

  private static final Set<String> TOP = Set.of("tls_server_config", "basic_auth_users");
  private static final Set<String> TLS_KEYS = Set.of("cert_file", "key_file", "client_ca_file", "client_auth_type", "min_version");

  /** Thrown for an unusable file; the message names the file and the key. */
  public static final class WebConfigException extends Exception {
    WebConfigException(String message) {
      super(message);
    }
  }

  /** Reads and validates a web config file. */
  public static WebConfig load(Path file) throws WebConfigException {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new WebConfigException("web config file " + file + " does not exist");
    } catch (IOException e) {
      throw new WebConfigException("web config file " + file + " is not readable YAML: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return NONE;
    }
    String where = "web config file " + file;
    requireObject(root, where);
    unknownKeys(root, TOP, where);
    Path dir = file.toAbsolutePath().getParent();
    Tls tls = null;
    JsonNode t = root.get("tls_server_config");
    if (t != null && !t.isNull()) {
      requireObject(t, where + ": tls_server_config");
      unknownKeys(t, TLS_KEYS, where + ": tls_server_config");
      Path cert = file(dir, t, "cert_file", where);
      Path key = file(dir, t, "key_file", where);
      if (cert == null || key == null) {
        throw new WebConfigException(where + ": tls_server_config needs cert_file and key_file");
      }
      Path clientCa = file(dir, t, "client_ca_file", where);
      ClientAuth auth = ClientAuth.NoClientCert;
      if (t.hasNonNull("client_auth_type")) {
        try {
          auth = ClientAuth.valueOf(t.get("client_auth_type").asText());
        } catch (IllegalArgumentException e) {
          throw new WebConfigException(where + ": tls_server_config.client_auth_type must be one of "
              + java.util.Arrays.toString(ClientAuth.values()) + ", got '" + t.get("client_auth_type").asText() + "'");
        }
      }
      if (auth != ClientAuth.NoClientCert && clientCa == null) {
        throw new WebConfigException(where + ": client_auth_type " + auth + " needs client_ca_file");
      }
      String min = t.hasNonNull("min_version") ? t.get("min_version").asText() : "TLS12";
      if (!min.equals("TLS12") && !min.equals("TLS13")) {
        throw new WebConfigException(where + ": tls_server_config.min_version must be TLS12 or TLS13, got '" + min + "'");
      }
      tls = new Tls(cert, key, clientCa, auth, min);
    }
    Map<String, String> users = new LinkedHashMap<>();
    JsonNode u = root.get("basic_auth_users");
    if (u != null && !u.isNull()) {
      requireObject(u, where + ": basic_auth_users");
      for (Iterator<Map.Entry<String, JsonNode>> it = u.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String hash = e.getValue().asText();
        if (!hash.matches("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
          throw new WebConfigException(where + ": basic_auth_users." + e.getKey() + " is not a bcrypt hash");
        }
        users.put(e.getKey(), hash);
      }
    }
    return new WebConfig(tls, Map.copyOf(users));
  }

  private static Path file(Path dir, JsonNode node, String key, String where) throws WebConfigException {
    if (!node.hasNonNull(key)) {
      return null;
    }
    Path p = dir.resolve(node.get(key).asText());
    if (!Files.isReadable(p)) {
      throw new WebConfigException(where + ": tls_server_config." + key + " " + p + " is not readable");
    }
    return p;
  }

  private static void requireObject(JsonNode node, String where) throws WebConfigException {
    if (!node.isObject()) {
      throw new WebConfigException(where + " must be a mapping");
    }
  }

  private static void unknownKeys(JsonNode node, Set<String> known, String where) throws WebConfigException {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw new WebConfigException(where + ": unknown key '" + key + "' (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
      }
    }
  }
}
