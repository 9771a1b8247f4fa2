package dev.hnn.protocol;

/**
 * The fixed 32-byte head of every frame, validated on its own so that a stream reader knows the payload's
 * length is within limits before it allocates the payload (and a router can see the session id).
 */
public record FrameHeader(MessageType type, SessionId sessionId, int sequence, int payloadLength) {}
