package dev.hnn.protocol;

/** Version of the session protocol (the meaning and order of messages), carried in OPEN. */
public final class SessionProtocol {
  private SessionProtocol() {}

  public static final int VERSION = 1;
}
