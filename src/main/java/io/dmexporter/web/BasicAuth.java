package io.dmexporter.web;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

/**
 * HTTP basic auth against bcrypt hashes, checked as the exporter-toolkit checks it: the user is
 * looked up without an early exit, an unknown user is checked against a decoy hash of the same
 * cost (so it costs a bcrypt too and answers no faster), and each (user, hash, password) checked
 * is remembered as a digest, pass or fail, so a scraper sending the same credentials every 15 s
 * pays the bcrypt once. Passes and failures are remembered apart, so a flood of wrong passwords
 * never evicts a scraper's pass. One bcrypt runs at a time; when a few requests already wait for
 * one, the next is told to come back ({@link Result#BUSY}) instead of holding a server thread.
 */
final class BasicAuth {
  /** Checks a password against a bcrypt hash. */
  interface Verifier {
    boolean verify(String password, String hash);
  }

  /** The outcome of a check. */
  enum Result { PASS, FAIL, BUSY }

  /** bcrypt reads 72 bytes of a password at most; a longer one never matches (as in Go's bcrypt). */
  static final Verifier BCRYPT = (password, hash) -> password.getBytes(StandardCharsets.UTF_8).length <= 72
      && BCrypt.verifyer().verify(password.toCharArray(), hash.toCharArray()).verified;
  /** Credentials remembered, passed and failed; past these the least recently used are forgotten. */
  static final int PASSES_REMEMBERED = 256;
  static final int FAILURES_REMEMBERED = 1024;
  /** Requests that may wait for a bcrypt at once (the web server has 16 threads). */
  static final int MAX_WAITING = 4;

  private record User(byte[] nameDigest, String hash) {}

  private final List<User> users = new ArrayList<>();
  private final Map<String, String> hashes;
  private final String decoyHash;
  private final Verifier verifier;
  private final ReentrantLock bcrypt = new ReentrantLock();
  private final Semaphore waiting = new Semaphore(MAX_WAITING);
  private final Map<String, Boolean> passed = lru(PASSES_REMEMBERED);
  private final Map<String, Boolean> failed = lru(FAILURES_REMEMBERED);

  BasicAuth(Map<String, String> users, Verifier verifier, String decoyHash) {
    this.hashes = Map.copyOf(users);
    users.forEach((name, hash) -> this.users.add(new User(sha256(name), hash)));
    this.verifier = verifier;
    this.decoyHash = decoyHash;
  }

  /** Real bcrypt, with a decoy hash of the users' most common cost. */
  static BasicAuth of(Map<String, String> users) {
    return new BasicAuth(users, BCRYPT, decoy(users));
  }

  /** The users and hashes checked against. */
  Map<String, String> users() {
    return hashes;
  }

  /** Checks an {@code Authorization} header (null when absent). */
  Result check(String header) {
    String[] credentials = credentials(header);
    if (credentials == null) {
      return Result.FAIL; // no user named: nothing to look up, nothing to leak
    }
    byte[] name = sha256(credentials[0]);
    String hash = decoyHash;
    boolean known = false;
    for (User u : users) { // every user compared, none skipped: the time does not depend on which matched
      boolean same = MessageDigest.isEqual(name, u.nameDigest());
      hash = same ? u.hash() : hash;
      known |= same;
    }
    String key = HexFormat.of().formatHex(sha256(credentials[0] + '\0' + hash + '\0' + credentials[1]));
    Boolean pass = null;
    synchronized (this) {
      if (passed.containsKey(key)) {
        pass = true;
        passed.get(key); // most recently used
      } else if (failed.containsKey(key)) {
        pass = false;
        failed.get(key);
      }
    }
    if (pass == null) {
      if (!waiting.tryAcquire()) {
        return Result.BUSY;
      }
      try {
        bcrypt.lock();
        try {
          pass = verifier.verify(credentials[1], hash) && known;
        } finally {
          bcrypt.unlock();
        }
      } finally {
        waiting.release();
      }
      synchronized (this) {
        (pass ? passed : failed).put(key, pass);
      }
    }
    return pass && known ? Result.PASS : Result.FAIL;
  }

  /** User and password of a {@code Basic} header, or null when it is none. */
  static String[] credentials(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
  }

  /** A bcrypt hash of a random password at the cost most users have (the highest among the most common). */
  static String decoy(Map<String, String> users) {
    Map<Integer, Integer> costs = new HashMap<>();
    users.values().forEach(h -> costs.merge(Integer.parseInt(h.substring(h.length() - 56, h.length() - 54)), 1, Integer::sum));
    int cost = costs.entrySet().stream()
        .max(Map.Entry.<Integer, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey).orElse(10);
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    return BCrypt.withDefaults().hashToString(cost, Base64.getEncoder().encodeToString(random).toCharArray());
  }

  private static Map<String, Boolean> lru(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
