package dev.hnn.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class InProcessTransportTest {
  private static ErrorCode code(Runnable r) {
    return assertThrows(ProtocolException.class, r::run).code();
  }

  @Test
  void framesArriveInOrderAndAreCopied() {
    InProcessTransport.Pair p = InProcessTransport.pair();
    byte[] a = {1, 2, 3};
    p.client().send(a);
    p.client().send(new byte[] {4});
    a[0] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, p.server().receive(Duration.ofSeconds(1)));
    assertArrayEquals(new byte[] {4}, p.server().receive(Duration.ofSeconds(1)));
  }

  @Test
  void framesSentBeforeCloseAreDeliveredThenClosed() {
    InProcessTransport.Pair p = InProcessTransport.pair();
    p.server().send(new byte[] {7});
    p.server().close();
    assertArrayEquals(new byte[] {7}, p.client().receive(Duration.ofSeconds(1)));
    assertEquals(ErrorCode.CLOSED, code(() -> p.client().receive(Duration.ofSeconds(1))));
    assertEquals(ErrorCode.CLOSED, code(() -> p.client().send(new byte[] {1})));
    assertEquals(ErrorCode.CLOSED, code(() -> p.server().send(new byte[] {1})));
  }

  @Test
  void receiveAndFullInboxTimeOut() {
    InProcessTransport.Pair p = InProcessTransport.pair(1, Duration.ofMillis(100));
    long t0 = System.nanoTime();
    assertEquals(ErrorCode.TIMEOUT, code(() -> p.client().receive(Duration.ofMillis(100))));
    p.client().send(new byte[] {1});
    assertEquals(ErrorCode.TIMEOUT, code(() -> p.client().send(new byte[] {2})));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(ms >= 150 && ms < 2000, ms + " ms");
  }
}
