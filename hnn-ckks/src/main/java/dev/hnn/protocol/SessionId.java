package dev.hnn.protocol;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * 128 random bits chosen by the client for one session. Random rather than counted so that ids from different
 * clients do not collide and a peer cannot guess another session's id; zero is refused because it is what an
 * uninitialised field would hold.
 */
public record SessionId(long high, long low) {
  private static final SecureRandom RANDOM = new SecureRandom();

  public SessionId {
    if (high == 0 && low == 0) throw new IllegalArgumentException("session id 0 is reserved");
  }

  public static SessionId random() {
    long h, l;
    do {
      h = RANDOM.nextLong();
      l = RANDOM.nextLong();
    } while (h == 0 && l == 0);
    return new SessionId(h, l);
  }

  @Override
  public String toString() {
    return HexFormat.of().toHexDigits(high) + HexFormat.of().toHexDigits(low);
  }
}
