package dev.hnn.protocol;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What one session moved: frames and bytes (whole frames, headers included) each way, and completed refresh
 * round trips. Updated by the session's thread, readable from any thread.
 */
public final class SessionStats {
  private final AtomicLong framesSent = new AtomicLong();
  private final AtomicLong bytesSent = new AtomicLong();
  private final AtomicLong framesReceived = new AtomicLong();
  private final AtomicLong bytesReceived = new AtomicLong();
  private final AtomicLong roundTrips = new AtomicLong();

  void sent(int bytes) {
    framesSent.incrementAndGet();
    bytesSent.addAndGet(bytes);
  }

  void received(int bytes) {
    framesReceived.incrementAndGet();
    bytesReceived.addAndGet(bytes);
  }

  void roundTrip() {
    roundTrips.incrementAndGet();
  }

  public long framesSent() {
    return framesSent.get();
  }

  public long bytesSent() {
    return bytesSent.get();
  }

  public long framesReceived() {
    return framesReceived.get();
  }

  public long bytesReceived() {
    return bytesReceived.get();
  }

  /** Refresh requests answered (client) or answers received (server). */
  public long roundTrips() {
    return roundTrips.get();
  }

  @Override
  public String toString() {
    return "sent " + framesSent() + " frames / " + bytesSent() + " bytes, received " + framesReceived()
        + " frames / " + bytesReceived() + " bytes, " + roundTrips() + " round trips";
  }
}
