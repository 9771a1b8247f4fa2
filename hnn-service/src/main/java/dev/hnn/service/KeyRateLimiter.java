package dev.hnn.service;

import java.util.HashMap;
import java.util.Map;

/**
 * Calls per key set: a token bucket each ({@code burst} tokens, refilled at {@code perSecond}). Buckets exist only
 * for registered key sets (the caller checks the key first), so the map stays as small as the key store.
 */
final class KeyRateLimiter {
  private final double perSecond;
  private final int burst;
  private final Map<String, double[]> buckets = new HashMap<>(); // {tokens, last refill nanos}

  KeyRateLimiter(double perSecond, int burst) {
    this.perSecond = perSecond;
    this.burst = burst;
  }

  /** Takes one token for {@code keyId}, or throws RESOURCE_EXHAUSTED. */
  synchronized void take(String keyId) {
    long now = System.nanoTime();
    double[] b = buckets.computeIfAbsent(keyId, k -> new double[] {burst, now});
    b[0] = Math.min(burst, b[0] + (now - b[1]) / 1e9 * perSecond);
    b[1] = now;
    if (b[0] < 1)
      throw ServiceException.exhausted("key set " + KeyCache.abbreviate(keyId) + " is over its rate of " + perSecond
          + " calls per second; retry later");
    b[0] -= 1;
  }

  synchronized void forget(String keyId) {
    buckets.remove(keyId);
  }
}
