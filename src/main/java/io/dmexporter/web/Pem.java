package io.dmexporter.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM certificates and PKCS#8 keys into the in-memory key stores that Jetty's TLS takes. */
final class Pem {
  private static final Pattern PKCS8 = Pattern.compile(
      "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private Pem() {}

  /** A key store with one entry: the certificate chain and its key. */
  static KeyStore keyStore(Path certFile, Path keyFile, char[] password) throws IOException, GeneralSecurityException {
    Certificate[] chain = certificates(certFile);
    if (chain.length == 0) {
      throw new IOException(certFile + " holds no certificate");
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", privateKey(keyFile), password, chain);
    return ks;
  }

  /** A trust store holding every certificate of a PEM file. */
  static KeyStore trustStore(Path caFile) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    Certificate[] cas = certificates(caFile);
    for (int i = 0; i < cas.length; i++) {
      ks.setCertificateEntry("ca" + i, cas[i]);
    }
    return ks;
  }

  private static Certificate[] certificates(Path file) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(Certificate[]::new);
    } catch (java.security.cert.CertificateException e) {
      throw new IOException(file + " is not a PEM certificate: " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(Path file) throws IOException {
    Matcher m = PKCS8.matcher(Files.readString(file));
    if (!m.find()) {
      throw new IOException(file + " is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY); convert it with "
          + "openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName());
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException wrongAlgorithm) {
        // try the next
      }
    }
    throw new IOException(file + " holds a private key of an unsupported type (use RSA, EC or Ed25519)");
  }
}
