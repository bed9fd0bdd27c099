package io.dmexporter.dm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dmexporter.model.PollError;
import io.dmexporter.testing.FakeDm;
import io.dmexporter.testing.Seed;
import io.dmexporter.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS to DM endpoints, against a real TLS gRPC server with certificates made by openssl. */
class TlsTest {
  @TempDir static Path dir;
  static FakeDm worker;

  @BeforeAll
  static void start() throws Exception {
    selfSigned("dm", "IP:127.0.0.1,DNS:dm-worker.internal");
    selfSigned("other", "IP:127.0.0.1");
    worker = FakeDm.startTls(dir.resolve("dm.crt"), dir.resolve("dm.key"));
    worker.workerStatus = Seed.workers().get("worker1");
  }

  @AfterAll
  static void stop() throws Exception {
    worker.close();
  }

  static void selfSigned(String name, String san) throws Exception {
    Path openssl = Tools.require("openssl", "openssl");
    Tools.Run r = Tools.run(List.of(openssl.toString(), "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=" + name,
        "-addext", "subjectAltName=" + san,
        "-keyout", dir.resolve(name + ".key").toString(), "-out", dir.resolve(name + ".crt").toString()), null, null);
    assertEquals(0, r.exitCode(), r.output());
  }

  private static Outcome<?> query(TlsSettings tls) throws Exception {
    try (ChannelPool channels = new ChannelPool(tls.credentials(), tls.serverName())) {
      return new DmClient(channels).queryWorker(worker.address(), "worker1", System.nanoTime() + TimeUnit.SECONDS.toNanos(3)).get();
    }
  }

  @Test
  void trustedCertificateAnswers() throws Exception {
    Outcome<?> o = query(new TlsSettings(dir.resolve("dm.crt"), null, null, null));
    assertNull(o.error(), o.message());
  }

  @Test
  void serverNameOverrideIsChecked() throws Exception {
    assertNull(query(new TlsSettings(dir.resolve("dm.crt"), null, null, "dm-worker.internal")).error());
    assertEquals(PollError.TLS, query(new TlsSettings(dir.resolve("dm.crt"), null, null, "elsewhere.internal")).error());
  }

  @Test
  void untrustedCertificateIsATlsFailure() throws Exception {
    Outcome<?> o = query(new TlsSettings(dir.resolve("other.crt"), null, null, null));
    assertEquals(PollError.TLS, o.error(), o.message());
  }

  @Test
  void plaintextToATlsEndpointFails() throws Exception {
    Outcome<?> o = query(TlsSettings.NONE);
    assertEquals(PollError.UNAVAILABLE, o.error(), o.message());
  }

  @Test
  void unusableFilesAreReportedUpFront() throws Exception {
    Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
    IOException e = assertThrows(IOException.class, () -> new TlsSettings(notPem, null, null, null).credentials());
    assertEquals(true, e.getMessage().contains("not.pem"), e.getMessage());
    assertThrows(IOException.class, () -> new TlsSettings(dir.resolve("missing.crt"), null, null, null).credentials());
  }
}
