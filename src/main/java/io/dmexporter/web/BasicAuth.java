package io.dmexporter.web;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * HTTP basic auth against bcrypt hashes, in front of every endpoint. A bcrypt check costs tens of
 * milliseconds by design, so credentials that passed are remembered (as a digest) and a scraper
 * that sends them every 15 s does not pay it each time.
 */
final class BasicAuth extends Handler.Wrapper {
  private static final int MAX_REMEMBERED = 64;

  private final Map<String, String> users;
  private final Set<String> passed = ConcurrentHashMap.newKeySet();

  BasicAuth(Map<String, String> users, Handler next) {
    super(next);
    this.users = Map.copyOf(users);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (authorized(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
      return super.handle(request, response, callback);
    }
    response.setStatus(401);
    response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"dm-exporter\", charset=\"UTF-8\"");
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.write(true, java.nio.ByteBuffer.wrap("Unauthorized\n".getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }

  boolean authorized(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return false;
    }
    String user = decoded.substring(0, colon);
    String hash = users.get(user);
    if (hash == null) {
      return false;
    }
    String key = digest(hash + "\u0000" + decoded);
    if (passed.contains(key)) {
      return true;
    }
    boolean ok = BCrypt.verifyer().verify(decoded.substring(colon + 1).toCharArray(), hash).verified;
    if (ok) {
      if (passed.size() >= MAX_REMEMBERED) {
        passed.clear();
      }
      passed.add(key);
    }
    return ok;
  }

  private static String digest(String s) {
    try {
      return Base64.getEncoder().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
