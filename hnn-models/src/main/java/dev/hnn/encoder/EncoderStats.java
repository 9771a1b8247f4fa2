package dev.hnn.encoder;

import dev.hnn.refresh.RefreshStats;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Costs of one encrypted classification: wall time per step (in run order; refreshes appear as "refresh before
 * STEP"), the refresh points, round trips and bytes each way (input, refreshes, result).
 */
public record EncoderStats(Map<String, Long> stepNanos, List<String> refreshPoints, long inputBytes,
    long outputBytes, RefreshStats refresh, long totalNanos) {
  public EncoderStats {
    stepNanos = Collections.unmodifiableMap(new LinkedHashMap<>(stepNanos));
    refreshPoints = List.copyOf(refreshPoints);
  }

  /** Round trips: the input/result exchange plus one per refresh point. */
  public long roundTrips() {
    return 1 + refresh.roundTrips();
  }

  public long bytesToServer() {
    return inputBytes + refresh.bytesFromClient();
  }

  public long bytesToClient() {
    return outputBytes + refresh.bytesToClient();
  }

  /** Wall time of the steps whose name starts with {@code prefix} (e.g. "L0 ", "refresh before L2"). */
  public long nanos(String prefix) {
    return stepNanos.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(Map.Entry::getValue)
        .sum();
  }

  /** A printable table: every step with ms, then the totals. */
  public String table() {
    StringBuilder sb = new StringBuilder();
    stepNanos.forEach((k, v) -> sb.append(String.format("%-34s %10.1f ms%n", k, v / 1e6)));
    sb.append(String.format("%-34s %10.1f ms%n", "total", totalNanos / 1e6));
    String boots = refresh.bootstraps() > 0 ? " by " + refresh.bootstraps() + " bootstraps" : "";
    sb.append(String.format("round trips %d (1 + %d refreshes, %d ciphertexts refreshed%s); bytes to server %d,"
            + " to client %d%n", roundTrips(), refresh.roundTrips(), refresh.ciphertexts(), boots, bytesToServer(),
        bytesToClient()));
    return sb.toString();
  }
}
