package io.dmexporter.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test certificates made with openssl, in the key formats people have: PKCS#8, PKCS#1 (RSA, as
 * cert-manager writes by default) and SEC1 (EC, as {@code openssl ecparam -genkey} writes).
 */
public final class Certs {
  /** How the private key is written. */
  public enum KeyFormat { EC_PKCS8, EC_SEC1, RSA_PKCS1, RSA_PKCS8 }

  private final Path dir;

  public Certs(Path dir) {
    this.dir = dir;
  }

  public Path crt(String name) {
    return dir.resolve(name + ".crt");
  }

  public Path key(String name) {
    return dir.resolve(name + ".key");
  }

  /** A self-signed certificate {@code name}.crt with key {@code name}.key; {@code san} like {@code IP:127.0.0.1}. */
  public Certs selfSigned(String name, KeyFormat format, String san) throws Exception {
    newKey(name, format);
    openssl("req", "-x509", "-new", "-key", key(name).toString(), "-days", "2", "-subj", "/CN=" + name,
        "-addext", "subjectAltName=" + san, "-out", crt(name).toString());
    return this;
  }

  /** A certificate {@code name}.crt signed by the CA {@code ca} (itself made by {@link #selfSigned}). */
  public Certs signed(String name, String ca, String san) throws Exception {
    newKey(name, KeyFormat.EC_PKCS8);
    Path csr = dir.resolve(name + ".csr");
    Path ext = Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=" + san + "\n");
    openssl("req", "-new", "-key", key(name).toString(), "-subj", "/CN=" + name, "-out", csr.toString());
    openssl("x509", "-req", "-in", csr.toString(), "-CA", crt(ca).toString(), "-CAkey", key(ca).toString(),
        "-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out", crt(name).toString());
    return this;
  }

  private void newKey(String name, KeyFormat format) throws Exception {
    String out = key(name).toString();
    switch (format) {
      case EC_PKCS8 -> openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", out);
      case EC_SEC1 -> openssl("ecparam", "-genkey", "-name", "prime256v1", "-out", out);
      case RSA_PKCS1 -> openssl("genrsa", "-traditional", "-out", out, "2048");
      case RSA_PKCS8 -> openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", out);
      default -> throw new IllegalArgumentException(format.name());
    }
  }

  /** Runs openssl with {@code args}; fails the test with its output when it fails. */
  public static void openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Tools.require("openssl", "openssl").toString());
    command.addAll(List.of(args));
    Tools.Run r = Tools.run(command, null, null);
    if (r.exitCode() != 0) {
      throw new AssertionError("openssl " + String.join(" ", args) + " failed:\n" + r.output());
    }
  }
}
