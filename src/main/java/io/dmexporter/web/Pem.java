package io.dmexporter.web;

import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM certificates and private keys as openssl and cert-manager write them, read with
 * BouncyCastle: keys in PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY})
 * or SEC1 ({@code BEGIN EC PRIVATE KEY}, with or without its parameters block). Encrypted keys
 * are refused, as the exporter-toolkit refuses them. Every problem is an {@link IOException}
 * whose message is one line.
 */
final class Pem {
  private Pem() {}

  /** Every certificate in {@code pem} ({@code what} names it in messages); at least one. */
  static List<X509Certificate> certificates(String pem, String what) throws IOException {
    List<X509Certificate> out = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = next(parser, what); o != null; o = next(parser, what)) {
        if (o instanceof X509CertificateHolder h) {
          out.add(converter.getCertificate(h));
        }
      }
    } catch (CertificateException e) {
      throw new IOException(what + " holds a certificate Java cannot read: " + oneLine(e));
    }
    if (out.isEmpty()) {
      throw new IOException(what + " holds no PEM certificate (BEGIN CERTIFICATE)");
    }
    return out;
  }

  /** The one private key in {@code pem}. */
  static PrivateKey privateKey(String pem, String what) throws IOException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = next(parser, what); o != null; o = next(parser, what)) {
        if (o instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate(); // PKCS#1 RSA, SEC1 EC, DSA
        }
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info); // PKCS#8
        }
        if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new IOException(what + " holds an encrypted private key; give it unencrypted (openssl pkey -in KEY -out KEY.plain)");
        }
      }
    } catch (org.bouncycastle.openssl.PEMException e) {
      throw new IOException(what + " holds a private key of a type Java cannot use: " + oneLine(e));
    }
    throw new IOException(what + " holds no PEM private key (BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
  }

  /** Throws unless {@code key} is the private half of the certificate's public key. */
  static void requireMatch(X509Certificate cert, PrivateKey key, String what) throws IOException {
    PublicKey pub = cert.getPublicKey();
    if (!pub.getAlgorithm().equals(key.getAlgorithm())) {
      throw new IOException(what + ": the key is " + key.getAlgorithm() + " but the certificate's is " + pub.getAlgorithm());
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "DSA" -> "SHA256withDSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448
    };
    try {
      byte[] probe = "dm-exporter key pair check".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key);
      s.update(probe);
      byte[] signature = s.sign();
      s.initVerify(pub);
      s.update(probe);
      if (s.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      throw new IOException(what + ": cannot check the key against the certificate: " + oneLine(e));
    }
    throw new IOException(what + ": the private key does not match the certificate");
  }

  /** A key store with one entry: the chain and its key, under {@code password}. */
  static KeyStore keyStore(List<X509Certificate> chain, PrivateKey key, char[] password) throws GeneralSecurityException {
    KeyStore ks = emptyStore();
    ks.setKeyEntry("server", key, password, chain.toArray(X509Certificate[]::new));
    return ks;
  }

  /** A trust store holding every certificate given. */
  static KeyStore trustStore(List<X509Certificate> cas) throws GeneralSecurityException {
    KeyStore ks = emptyStore();
    for (int i = 0; i < cas.size(); i++) {
      ks.setCertificateEntry("ca" + i, cas.get(i));
    }
    return ks;
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try {
      ks.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return ks;
  }

  private static Object next(PEMParser parser, String what) throws IOException {
    try {
      return parser.readObject();
    } catch (IOException | RuntimeException e) {
      // BouncyCastle reports bad base64 and bad DER as IOExceptions and runtime exceptions alike.
      throw new IOException(what + " is not valid PEM: " + oneLine(e));
    }
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().findFirst().orElse("").strip();
  }
}
