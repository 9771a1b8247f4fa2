package dev.hnn.refresh;

/**
 * What a {@link Refresher} has cost so far: round trips to the client, ciphertexts refreshed, the bytes each way
 * (serialized ciphertexts and request headers), the wall time spent in refresh calls, and the bootstraps run
 * (a bootstrap may refresh two ciphertexts).
 */
public record RefreshStats(long roundTrips, long ciphertexts, long bytesToClient, long bytesFromClient, long nanos,
    long bootstraps) {
  public static final RefreshStats NONE = new RefreshStats(0, 0, 0, 0, 0, 0);

  /** Without bootstraps. */
  public RefreshStats(long roundTrips, long ciphertexts, long bytesToClient, long bytesFromClient, long nanos) {
    this(roundTrips, ciphertexts, bytesToClient, bytesFromClient, nanos, 0);
  }

  /** Without a time (0 ns) or bootstraps. */
  public RefreshStats(long roundTrips, long ciphertexts, long bytesToClient, long bytesFromClient) {
    this(roundTrips, ciphertexts, bytesToClient, bytesFromClient, 0, 0);
  }

  RefreshStats plus(long trips, long cts, long toClient, long fromClient, long elapsedNanos, long boots) {
    return new RefreshStats(
        roundTrips + trips,
        ciphertexts + cts,
        bytesToClient + toClient,
        bytesFromClient + fromClient,
        nanos + elapsedNanos,
        bootstraps + boots);
  }
}
