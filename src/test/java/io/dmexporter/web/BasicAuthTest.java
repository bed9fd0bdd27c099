package io.dmexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Basic auth as the exporter-toolkit checks it: no user enumeration, a cache, bcrypt bounded. */
class BasicAuthTest {
  private static final String DECOY = "decoy-hash";
  private final List<String> checkedAgainst = Collections.synchronizedList(new ArrayList<>());
  /** A verifier that records which hash each check used; "right" is the password of every user. */
  private final BasicAuth.Verifier recording = (password, hash) -> {
    checkedAgainst.add(hash);
    return password.equals("right") && !hash.equals(DECOY);
  };

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anUnknownUserCostsABcryptToo() {
    BasicAuth auth = new BasicAuth(Map.of("alice", "hash-a", "bob", "hash-b"), recording, DECOY);
    assertEquals(BasicAuth.Result.PASS, auth.check(basic("alice", "right")));
    assertEquals(BasicAuth.Result.FAIL, auth.check(basic("bob", "wrong")));
    assertEquals(BasicAuth.Result.FAIL, auth.check(basic("mallory", "right")));
    assertEquals(List.of("hash-a", "hash-b", DECOY), checkedAgainst, "one bcrypt each, the unknown user's against the decoy");
  }

  @Test
  void checkedCredentialsAreRememberedPassOrFail() {
    BasicAuth auth = new BasicAuth(Map.of("alice", "hash-a"), recording, DECOY);
    for (int i = 0; i < 3; i++) {
      assertEquals(BasicAuth.Result.PASS, auth.check(basic("alice", "right")));
      assertEquals(BasicAuth.Result.FAIL, auth.check(basic("alice", "wrong")));
      assertEquals(BasicAuth.Result.FAIL, auth.check(basic("eve", "right")));
    }
    assertEquals(3, checkedAgainst.size(), "each pair paid once");
  }

  @Test
  void aFloodOfWrongPasswordsNeverEvictsAPass() {
    BasicAuth auth = new BasicAuth(Map.of("alice", "hash-a"), recording, DECOY);
    assertEquals(BasicAuth.Result.PASS, auth.check(basic("alice", "right")));
    for (int i = 0; i < BasicAuth.FAILURES_REMEMBERED * 2; i++) {
      auth.check(basic("alice", "guess" + i));
    }
    checkedAgainst.clear();
    assertEquals(BasicAuth.Result.PASS, auth.check(basic("alice", "right")));
    assertEquals(List.of(), checkedAgainst, "the scraper's pass is still remembered");
  }

  @Test
  void malformedHeadersFailWithoutABcrypt() {
    BasicAuth auth = new BasicAuth(Map.of("alice", "hash-a"), recording, DECOY);
    for (String header : new String[] {null, "", "Bearer x", "Basic", "Basic !!!", "Basic " + Base64.getEncoder()
        .encodeToString("no-colon".getBytes(StandardCharsets.UTF_8))}) {
      assertEquals(BasicAuth.Result.FAIL, auth.check(header), String.valueOf(header));
    }
    assertEquals(List.of(), checkedAgainst);
    assertEquals(BasicAuth.Result.PASS, auth.check("bAsIc " + basic("alice", "right").substring(6)), "the scheme is case-insensitive");
    assertNull(BasicAuth.credentials("Basic " + Base64.getEncoder().encodeToString("x".getBytes(StandardCharsets.UTF_8))));
    assertEquals(List.of("a", "b:c"), List.of(BasicAuth.credentials(basic("a", "b:c"))), "the password may hold colons");
  }

  @Test
  void whenEnoughWaitForABcryptTheNextIsToldToComeBack() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    BasicAuth auth = new BasicAuth(Map.of("alice", "hash-a"), (password, hash) -> {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return false;
    }, DECOY);
    List<Thread> waiting = new ArrayList<>();
    for (int i = 0; i < BasicAuth.MAX_WAITING; i++) {
      String password = "p" + i;
      Thread t = new Thread(() -> auth.check(basic("alice", password)));
      t.start();
      waiting.add(t);
    }
    assertTrue(entered.await(30, TimeUnit.SECONDS));
    // One is in the bcrypt, the others wait for it (parked on the lock): every place is taken.
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!waiting.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
      assertTrue(System.nanoTime() < end, "the checks did not all start waiting");
      Thread.sleep(5);
    }
    assertEquals(BasicAuth.Result.BUSY, auth.check(basic("alice", "another")));
    assertEquals(BasicAuth.Result.BUSY, auth.check(basic("mallory", "another")), "known or not, the same answer");
    release.countDown();
    for (Thread t : waiting) {
      t.join();
    }
  }

  @Test
  void realBcrypt() {
    String hash = BCrypt.withDefaults().hashToString(4, "s3cret".toCharArray());
    assertTrue(BasicAuth.BCRYPT.verify("s3cret", hash));
    assertFalse(BasicAuth.BCRYPT.verify("s3cre", hash));
    assertFalse(BasicAuth.BCRYPT.verify("x".repeat(100), hash), "past 72 bytes: no match, no exception");
    String decoy = BasicAuth.decoy(Map.of("a", hash, "b", BCrypt.withDefaults().hashToString(5, "x".toCharArray()),
        "c", BCrypt.withDefaults().hashToString(4, "y".toCharArray())));
    assertTrue(decoy.matches("\\$2a\\$04\\$.{53}"), "the decoy has the users' most common cost: " + decoy);
    assertTrue(BasicAuth.decoy(Map.of()).startsWith("$2a$10$"));
  }
}
