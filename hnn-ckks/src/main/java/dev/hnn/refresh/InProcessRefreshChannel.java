package dev.hnn.refresh;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link RefreshChannel} to a {@link RefreshResponder} in the same process. Copies the bytes both ways, as a
 * wire would, so neither side can see the other's later changes to its arrays.
 */
public final class InProcessRefreshChannel implements RefreshChannel {
  private final RefreshResponder responder;

  public InProcessRefreshChannel(RefreshResponder responder) {
    this.responder = Objects.requireNonNull(responder, "responder");
  }

  @Override
  public List<byte[]> exchange(List<byte[]> request) {
    return copy(responder.respond(copy(request)));
  }

  private static List<byte[]> copy(List<byte[]> in) {
    List<byte[]> out = new ArrayList<>(in.size());
    for (byte[] b : in) out.add(b == null ? null : b.clone());
    return out;
  }
}
