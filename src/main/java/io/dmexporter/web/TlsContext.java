package io.dmexporter.web;

import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Turns a checked {@link WebConfig.Tls} into Jetty's server TLS: an {@link SSLContext} with the
 * key and the client-certificate policy (Go's five {@code client_auth_type}s, and
 * {@code client_allowed_sans}), then versions, cipher suites, their order and curves.
 */
final class TlsContext {
  private static final Method SET_NAMED_GROUPS = namedGroupsSetter();
  /** Whether this Java can set curves per server ({@code SSLParameters.setNamedGroups}, Java 20+). */
  static final boolean NAMED_GROUPS_SETTABLE = SET_NAMED_GROUPS != null;

  private TlsContext() {}

  /** A Jetty TLS factory with the settings of {@code tls}; {@link #prepare} and {@link Prepared#reload} change them. */
  static Factory factory(WebConfig.Tls tls) throws GeneralSecurityException {
    Factory f = new Factory();
    prepare(tls).applyTo(f);
    return f;
  }

  /** Jetty's server TLS factory, which also sets the curves of the current settings. */
  static final class Factory extends SslContextFactory.Server {
    private volatile String[] namedGroups = new String[0];

    @Override
    public SSLParameters customize(SSLParameters parameters) {
      SSLParameters p = super.customize(parameters);
      String[] groups = namedGroups;
      if (groups.length > 0) {
        try {
          SET_NAMED_GROUPS.invoke(p, (Object) groups);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot set the TLS curves", e);
        }
      }
      return p;
    }
  }

  /** Builds the key material and trust of {@code tls}: what can fail, done before anything changes. */
  static Prepared prepare(WebConfig.Tls tls) throws GeneralSecurityException {
    return new Prepared(sslContext(tls), tls);
  }

  /** TLS settings ready to apply to a factory, which cannot fail any more. */
  record Prepared(SSLContext context, WebConfig.Tls tls) {
    /** Swaps these settings into a running factory; connections open already keep theirs. */
    void reload(Factory f) throws Exception {
      f.reload(x -> applyTo(f));
    }

    void applyTo(Factory f) {
      f.setSslContext(context);
      List<String> versions = new ArrayList<>();
      for (WebConfig.TlsVersion v : WebConfig.TlsVersion.values()) {
        if (v.compareTo(tls.minVersion()) >= 0 && v.compareTo(tls.maxVersion()) <= 0) {
          versions.add(v.javaName);
        }
      }
      f.setIncludeProtocols(versions.toArray(String[]::new));
      if (tls.cipherSuites().isEmpty()) {
        f.setIncludeCipherSuites();
        f.setExcludeCipherSuites(JETTY_EXCLUDED_SUITES);
      } else {
        // Go lets cipher_suites restrict TLS 1.2 and below only: TLS 1.3's suites stay on.
        List<String> suites = new ArrayList<>(tls.cipherSuites());
        WebConfig.TLS13_SUITES.stream().filter(x -> !suites.contains(x)).forEach(suites::add);
        f.setIncludeCipherSuites(suites.toArray(String[]::new));
        f.setExcludeCipherSuites();
      }
      f.setUseCipherSuitesOrder(tls.preferServerCipherSuites());
      f.setNeedClientAuth(tls.clientAuth().requires());
      f.setWantClientAuth(tls.clientAuth() != WebConfig.ClientAuth.NoClientCert && !tls.clientAuth().requires());
      f.namedGroups = tls.curvePreferences().stream().map(c -> c.javaName).toArray(String[]::new);
    }
  }

  /** Jetty's default exclusions (no NULL, anonymous, export, RSA key exchange, SHA-1 MACs), kept when cipher_suites is empty. */
  private static final String[] JETTY_EXCLUDED_SUITES = new SslContextFactory.Server().getExcludeCipherSuites();

  private static SSLContext sslContext(WebConfig.Tls tls) throws GeneralSecurityException {
    char[] password = UUID.randomUUID().toString().toCharArray();
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(Pem.keyStore(tls.chain(), tls.key(), password), password);
    TrustManager[] trust = null;
    if (tls.clientAuth() != WebConfig.ClientAuth.NoClientCert) {
      X509TrustManager check = tls.clientAuth().verifies() ? caTrust(tls.clientCas()) : null;
      trust = new TrustManager[] {new ClientCertificates(check, tls.clientAllowedSans())};
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), trust, null);
    return ctx;
  }

  private static X509TrustManager caTrust(List<X509Certificate> cas) throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(Pem.trustStore(cas));
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }

  /**
   * Client certificates as Go checks them: against the client CAs when {@code verify} is set (else
   * any certificate passes), then, when SANs are listed, the leaf must carry one of them exactly
   * (DNS, e-mail, IP or URI). The server's own side is never asked.
   */
  static final class ClientCertificates extends X509ExtendedTrustManager {
    private final X509TrustManager verify;
    private final List<String> allowedSans;

    /** {@code verify} null: any certificate; {@code allowedSans} empty: any SAN. */
    ClientCertificates(X509TrustManager verify, List<String> allowedSans) {
      this.verify = verify;
      this.allowedSans = List.copyOf(allowedSans);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      if (verify != null) {
        verify.checkClientTrusted(chain, authType);
      }
      if (!allowedSans.isEmpty()) {
        requireAllowedSan(chain[0], allowedSans);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("the exporter's web server checks no server certificates");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return verify == null ? new X509Certificate[0] : verify.getAcceptedIssuers();
    }
  }

  /** Throws unless the certificate has a DNS, e-mail, URI or IP SAN equal to one of {@code allowed}. */
  static void requireAllowedSan(X509Certificate cert, List<String> allowed) throws CertificateException {
    Collection<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new CertificateException("cannot read the client certificate's SANs", e);
    }
    if (sans != null) {
      for (List<?> san : sans) {
        int type = (Integer) san.get(0);
        Object value = san.get(1);
        if (!(value instanceof String s)) {
          continue;
        }
        for (String a : allowed) {
          if ((type == 1 || type == 2 || type == 6) && a.equals(s) || type == 7 && sameIp(a, s)) {
            return;
          }
        }
      }
    }
    throw new CertificateException("the client certificate has none of the allowed SANs");
  }

  private static boolean sameIp(String allowed, String certIp) {
    InetAddress a = IpLiteral.parse(allowed);
    InetAddress c = IpLiteral.parse(certIp);
    return a != null && a.equals(c);
  }

  private static Method namedGroupsSetter() {
    try {
      return SSLParameters.class.getMethod("setNamedGroups", String[].class);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }
}
