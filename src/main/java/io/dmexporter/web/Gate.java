package io.dmexporter.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * In front of every endpoint, as the exporter-toolkit does it: the rate limit, the configured
 * response headers, then basic auth. Declared blocking, so Jetty never runs it (and its bcrypt)
 * on a selector thread. Its policy is swapped whole when the web config file changes.
 */
final class Gate extends Handler.Wrapper {
  /** What the gate enforces: {@code auth} and {@code limit} are null when off. */
  record Policy(RateLimiter limit, Map<String, String> headers, BasicAuth auth) {
    static Policy of(WebConfig config, Policy previous) {
      RateLimiter limit = !config.rateLimit().on() ? null
          : previous != null && previous.limit() != null && previous.limit().settings().equals(config.rateLimit())
              ? previous.limit() : new RateLimiter(config.rateLimit());
      // Same users, same hashes: keep the remembered credentials (and the decoy's cost).
      BasicAuth auth = config.basicAuthUsers().isEmpty() ? null
          : previous != null && previous.auth() != null && previous.auth().users().equals(config.basicAuthUsers())
              ? previous.auth() : BasicAuth.of(config.basicAuthUsers());
      return new Policy(limit, config.http().headers(), auth);
    }
  }

  private volatile Policy policy;

  Gate(Policy policy, Handler next) {
    super(next);
    this.policy = policy;
  }

  Policy policy() {
    return policy;
  }

  void policy(Policy p) {
    policy = p;
  }

  @Override
  public InvocationType getInvocationType() {
    return InvocationType.BLOCKING;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Policy p = policy;
    if (p.limit() != null && !p.limit().tryAcquire()) {
      return refuse(response, callback, 429, "Too Many Requests\n");
    }
    p.headers().forEach((name, value) -> response.getHeaders().put(name, value));
    if (p.auth() != null) {
      switch (p.auth().check(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
        case PASS -> { }
        case BUSY -> {
          response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
          return refuse(response, callback, 429, "Too Many Requests: authentication is busy\n");
        }
        default -> {
          response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"dm-exporter\", charset=\"UTF-8\"");
          return refuse(response, callback, 401, "Unauthorized\n");
        }
      }
    }
    return super.handle(request, response, callback);
  }

  private static boolean refuse(Response response, Callback callback, int status, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }

  /** A token bucket: {@code burst} requests at once, refilled by one every interval (Go's rate.Limiter). */
  static final class RateLimiter {
    private final WebConfig.RateLimit settings;
    private final long nanosPerToken;
    private double tokens;
    private long last = System.nanoTime();

    RateLimiter(WebConfig.RateLimit settings) {
      this.settings = settings;
      this.nanosPerToken = settings.interval().toNanos();
      this.tokens = settings.burst();
    }

    WebConfig.RateLimit settings() {
      return settings;
    }

    synchronized boolean tryAcquire() {
      long now = System.nanoTime();
      tokens = Math.min(settings.burst(), tokens + (double) (now - last) / nanosPerToken);
      last = now;
      if (tokens < 1) {
        return false;
      }
      tokens--;
      return true;
    }
  }
}
