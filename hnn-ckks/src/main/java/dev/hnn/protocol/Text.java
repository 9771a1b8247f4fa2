package dev.hnn.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** The two kinds of string the protocol carries, and their rules (shared by the records and the codec). */
final class Text {
  private Text() {}

  /** Largest string a u16 length prefix can describe. */
  static final int MAX_WIRE_BYTES = 0xFFFF;

  /**
   * Identifiers (spec, key, model ids; step labels): ASCII letters, digits and {@code . _ : -}, so they are
   * safe to log and to compare byte for byte, and their UTF-8 length is their length.
   */
  static String identifier(String s, String what) {
    Objects.requireNonNull(s, what);
    if (s.isEmpty() || s.length() > MAX_WIRE_BYTES)
      throw new IllegalArgumentException(what + " must have 1 to " + MAX_WIRE_BYTES + " characters");
    for (int i = 0; i < s.length(); i++) {
      if (!isIdentifierChar(s.charAt(i)))
        throw new IllegalArgumentException(what + " may hold only letters, digits and . _ : - (position " + i + ")");
    }
    return s;
  }

  static boolean isIdentifierChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
        || c == ':' || c == '-';
  }

  /**
   * A human message (ERROR): any text without control characters (so a peer cannot forge log lines), at most
   * {@link #MAX_WIRE_BYTES} bytes of UTF-8.
   */
  static String message(String s) {
    Objects.requireNonNull(s, "message");
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i)))
        throw new IllegalArgumentException("message holds a control character at position " + i);
    }
    if (s.getBytes(StandardCharsets.UTF_8).length > MAX_WIRE_BYTES)
      throw new IllegalArgumentException("message longer than " + MAX_WIRE_BYTES + " bytes of UTF-8");
    return s;
  }

  /** {@code s} with control characters replaced and cut to at most {@code maxBytes} of UTF-8 (for our own errors). */
  static String clip(String s, int maxBytes) {
    StringBuilder b = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isISOControl(cp)) cp = ' ';
      int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + n > maxBytes) break;
      b.appendCodePoint(cp);
      bytes += n;
    }
    return b.toString();
  }
}
