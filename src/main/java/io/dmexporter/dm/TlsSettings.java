package io.dmexporter.dm;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How to reach DM endpoints: plaintext, or TLS as DM's own {@code ssl-ca}/{@code ssl-cert}/
 * {@code ssl-key} settings describe it (a CA to trust, optionally a client certificate and key).
 */
public record TlsSettings(Path caFile, Path certFile, Path keyFile, String serverName) {
  /** Plaintext gRPC, DM's default. */
  public static final TlsSettings NONE = new TlsSettings(null, null, null, null);

  public boolean enabled() {
    return caFile != null || certFile != null;
  }

  /** Builds the channel credentials; throws with a readable message for unusable files. */
  public ChannelCredentials credentials() throws IOException {
    if (!enabled()) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
    if (caFile != null) {
      requireCertificates(readable(caFile));
      b.trustManager(caFile.toFile());
    }
    if (certFile != null) {
      b.keyManager(readable(certFile).toFile(), readable(keyFile).toFile());
    }
    return b.build();
  }

  private static void requireCertificates(Path p) throws IOException {
    try (var in = Files.newInputStream(p)) {
      if (java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new IOException(p + " holds no certificate");
      }
    } catch (java.security.cert.CertificateException e) {
      throw new IOException(p + " is not a PEM certificate: " + e.getMessage());
    }
  }

  private static Path readable(Path p) throws IOException {
    if (!Files.isReadable(p)) {
      throw new IOException("cannot read " + p);
    }
    return p;
  }
}
