package io.dmexporter.dm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChannelPoolTest {
  @Test
  void reusesChannelsAndClosesThoseOfEndpointsThatLeft() {
    try (ChannelPool pool = new ChannelPool(InsecureChannelCredentials.create(), null)) {
      ManagedChannel a = pool.get("127.0.0.1:1");
      ManagedChannel b = pool.get("127.0.0.1:2");
      assertSame(a, pool.get("127.0.0.1:1"), "one channel per endpoint, reused across cycles");
      pool.retainOnly(Set.of("127.0.0.1:1"));
      assertTrue(b.isShutdown(), "the endpoint that left has its channel closed");
      assertFalse(a.isShutdown());
      assertEquals(Set.of("127.0.0.1:1"), pool.addresses());
      pool.close();
      assertTrue(a.isShutdown());
    }
  }

  @Test
  void aClosedPoolOpensNoChannel() {
    ChannelPool pool = new ChannelPool(InsecureChannelCredentials.create(), null);
    ManagedChannel a = pool.get("127.0.0.1:1");
    pool.close();
    assertTrue(a.isShutdown());
    assertThrows(IllegalStateException.class, () -> pool.get("127.0.0.1:2"));
    assertEquals(Set.of(), pool.addresses());
    pool.close(); // twice is harmless
  }
}
