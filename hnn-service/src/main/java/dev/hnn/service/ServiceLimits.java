package dev.hnn.service;

import java.time.Duration;

/**
 * Every limit the service enforces, set explicitly (the defaults are sized for MiniLM's encrypted encoder on a
 * small machine). Sizes are checked before anything of that size is allocated.
 *
 * @param maxMessageBytes the largest gRPC message (a session frame of the encoder protocol is up to 64 MiB)
 * @param maxKeyBytes the largest key set one registration may upload (MiniLM's encoder keys are ~1 GB)
 * @param maxKeySets key sets on disk at once (registration beyond this is refused until one is removed)
 * @param maxLoadedKeySets key sets held in memory at once (least recently used ones are unloaded when idle)
 * @param maxConcurrentEvaluations evaluations (classify calls, encoder sessions) running at once
 * @param maxQueuedEvaluations evaluations waiting for a slot; beyond this a call gets RESOURCE_EXHAUSTED
 * @param requestsPerSecondPerKey sustained calls per key set (a token bucket with {@code burstPerKey})
 * @param burstPerKey calls a key set may make at once
 * @param sessionTimeout how long an encoder session may wait for the client's next frame, and for each step
 * @param maxSessionDuration how long one encoder session may run in all
 * @param shutdownGrace how long a shutdown waits for running evaluations
 * @param maxInFlightBytes streamed batch requests held in memory at once, all clients together (a batch of the
 *     head is ~200 MB of ciphertexts); a batch that does not fit is refused before anything is allocated
 */
public record ServiceLimits(long maxMessageBytes, long maxKeyBytes, int maxKeySets, int maxLoadedKeySets,
    int maxConcurrentEvaluations, int maxQueuedEvaluations, double requestsPerSecondPerKey, int burstPerKey,
    Duration sessionTimeout, Duration maxSessionDuration, Duration shutdownGrace, long maxInFlightBytes) {
  /** Chunks of a key upload: the client streams keys in pieces of at most this size. */
  public static final int KEY_CHUNK_BYTES = 1 << 20;

  public ServiceLimits {
    positive(maxMessageBytes, "maxMessageBytes");
    if (maxMessageBytes > Integer.MAX_VALUE) throw new IllegalArgumentException("maxMessageBytes must fit an int");
    if (maxMessageBytes < KEY_CHUNK_BYTES + 4096)
      throw new IllegalArgumentException("maxMessageBytes must hold a key chunk (" + KEY_CHUNK_BYTES + " bytes)");
    positive(maxKeyBytes, "maxKeyBytes");
    positive(maxKeySets, "maxKeySets");
    positive(maxLoadedKeySets, "maxLoadedKeySets");
    positive(maxConcurrentEvaluations, "maxConcurrentEvaluations");
    if (maxQueuedEvaluations < 0) throw new IllegalArgumentException("maxQueuedEvaluations must not be negative");
    if (!(requestsPerSecondPerKey > 0)) throw new IllegalArgumentException("requestsPerSecondPerKey must be positive");
    positive(burstPerKey, "burstPerKey");
    positive(maxInFlightBytes, "maxInFlightBytes");
    for (Duration d : new Duration[] {sessionTimeout, maxSessionDuration, shutdownGrace})
      if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException("durations must be positive");
  }

  private static void positive(long v, String name) {
    if (v <= 0) throw new IllegalArgumentException(name + " must be positive");
  }

  /**
   * 64 MiB + 64 KiB messages, 4 GiB of keys per set, 64 sets (4 loaded), 2 evaluations + 16 queued, 20 calls/s per
   * key, 2 GiB of streamed batches in flight.
   */
  public static ServiceLimits defaults() {
    return new ServiceLimits((64L << 20) + (64 << 10), 4L << 30, 64, 4, 2, 16, 20, 40, Duration.ofMinutes(10),
        Duration.ofHours(1), Duration.ofMinutes(2), 2L << 30);
  }

  public ServiceLimits withMaxKeyBytes(long v) {
    return new ServiceLimits(maxMessageBytes, v, maxKeySets, maxLoadedKeySets, maxConcurrentEvaluations,
        maxQueuedEvaluations, requestsPerSecondPerKey, burstPerKey, sessionTimeout, maxSessionDuration, shutdownGrace,
        maxInFlightBytes);
  }

  public ServiceLimits withKeySets(int onDisk, int loaded) {
    return new ServiceLimits(maxMessageBytes, maxKeyBytes, onDisk, loaded, maxConcurrentEvaluations,
        maxQueuedEvaluations, requestsPerSecondPerKey, burstPerKey, sessionTimeout, maxSessionDuration, shutdownGrace,
        maxInFlightBytes);
  }

  public ServiceLimits withEvaluations(int concurrent, int queued) {
    return new ServiceLimits(maxMessageBytes, maxKeyBytes, maxKeySets, maxLoadedKeySets, concurrent, queued,
        requestsPerSecondPerKey, burstPerKey, sessionTimeout, maxSessionDuration, shutdownGrace,
        maxInFlightBytes);
  }

  public ServiceLimits withRate(double perSecond, int burst) {
    return new ServiceLimits(maxMessageBytes, maxKeyBytes, maxKeySets, maxLoadedKeySets, maxConcurrentEvaluations,
        maxQueuedEvaluations, perSecond, burst, sessionTimeout, maxSessionDuration, shutdownGrace,
        maxInFlightBytes);
  }

  public ServiceLimits withMaxInFlightBytes(long v) {
    return new ServiceLimits(maxMessageBytes, maxKeyBytes, maxKeySets, maxLoadedKeySets, maxConcurrentEvaluations,
        maxQueuedEvaluations, requestsPerSecondPerKey, burstPerKey, sessionTimeout, maxSessionDuration, shutdownGrace, v);
  }

  public ServiceLimits withSessionTimeout(Duration idle, Duration total) {
    return new ServiceLimits(maxMessageBytes, maxKeyBytes, maxKeySets, maxLoadedKeySets, maxConcurrentEvaluations,
        maxQueuedEvaluations, requestsPerSecondPerKey, burstPerKey, idle, total, shutdownGrace, maxInFlightBytes);
  }
}
