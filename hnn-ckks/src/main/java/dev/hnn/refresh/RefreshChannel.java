package dev.hnn.refresh;

import java.util.List;

/**
 * The server's link to the key holder: sends a refresh request (a header and masked ciphertexts, as bytes) and
 * returns the response (re-encrypted ciphertexts). One call is one round trip. {@link InProcessRefreshChannel}
 * connects to a {@link RefreshResponder} in the same process; a network transport implements the same method.
 */
@FunctionalInterface
public interface RefreshChannel {
  List<byte[]> exchange(List<byte[]> request);
}
