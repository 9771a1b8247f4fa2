package dev.hnn.protocol;

import java.util.List;

/**
 * What a {@link ServerDriver} calls to have the client refresh ciphertexts: one REFRESH_REQUEST and its
 * REFRESH_RESPONSE. Blocks until the answer arrives or the session fails (a {@link ProtocolException}, which
 * the driver should let propagate; the session fails anyway if the driver swallows it).
 */
@FunctionalInterface
public interface Refresher {
  /** Sends {@code masked} under {@code step} and returns the client's refreshed blobs, one per blob sent. */
  List<byte[]> refresh(String step, List<byte[]> masked);
}
