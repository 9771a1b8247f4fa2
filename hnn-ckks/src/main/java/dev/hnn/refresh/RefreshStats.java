package dev.hnn.refresh;

/**
 * What a {@link Refresher} has cost so far: round trips to the client, ciphertexts refreshed, and the bytes each
 * way (serialized ciphertexts and request headers).
 */
public record RefreshStats(long roundTrips, long ciphertexts, long bytesToClient, long bytesFromClient) {
  public static final RefreshStats NONE = new RefreshStats(0, 0, 0, 0);

  RefreshStats plus(long trips, long cts, long toClient, long fromClient) {
    return new RefreshStats(
        roundTrips + trips, ciphertexts + cts, bytesToClient + toClient, bytesFromClient + fromClient);
  }
}
