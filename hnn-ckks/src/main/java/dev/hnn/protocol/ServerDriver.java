package dev.hnn.protocol;

import java.util.List;

/**
 * The server's computation for one session, kept out of the protocol: the encrypted encoder plugs in here and
 * asks for refreshes through the {@link Refresher} it is given.
 */
public interface ServerDriver {
  /**
   * Accepts or refuses a session as soon as its OPEN arrives, before the rest of the input is read. Refuse by
   * throwing a {@link ProtocolException}, typically {@link ErrorCode#INCOMPATIBLE} for an unknown spec, key or
   * model; its message goes to the client.
   */
  default void admit(SessionId session, OpenHeader header) {}

  /**
   * Runs the computation on the session's input blobs and returns the result blobs (at least one). Called on
   * the session's thread; {@code refresher} may be called from this thread only, and only until this returns.
   */
  List<byte[]> evaluate(OpenHeader header, List<byte[]> input, Refresher refresher);
}
