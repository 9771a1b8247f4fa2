package dev.hnn.refresh;

import static dev.hnn.refresh.RefreshContexts.encryptAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.CorruptDataException;
import dev.hnn.ckks.IncompatibleObjectsException;
import dev.hnn.ckks.MissingKeyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's side: it answers well-formed requests and refuses everything else without crashing. */
class RefreshResponderTest {
  private static List<byte[]> request(CkksContext ctx, int level, byte[]... cts) {
    List<byte[]> r = new ArrayList<>();
    r.add(RefreshWire.header(ctx.keyId(), level, cts.length));
    r.addAll(Arrays.asList(cts));
    return r;
  }

  private static byte[] ciphertextBytes(CkksContext ctx, int level) {
    try (Ciphertext c = encryptAt(ctx, new double[] {0.5, -0.25}, level)) {
      return c.serialize();
    }
  }

  @Test
  void answersAtTheRequestedLevel() {
    CkksContext ctx = RefreshContexts.deep();
    RefreshResponder responder = new RefreshResponder(ctx);
    List<byte[]> out = responder.respond(request(ctx, 3, ciphertextBytes(ctx, 1), ciphertextBytes(ctx, 3)));
    assertEquals(2, out.size());
    for (byte[] b : out) {
      try (Ciphertext c = Ciphertext.load(ctx, b)) {
        assertEquals(3, c.level());
        double[] v = ctx.decryptor().decryptValues(c, 2);
        assertTrue(Math.abs(v[0] - 0.5) < 1e-7 && Math.abs(v[1] + 0.25) < 1e-7);
      }
    }
  }

  @Test
  void needsTheSecretKey() {
    CkksContext ctx = RefreshContexts.deep();
    assertThrows(MissingKeyException.class, () -> new RefreshResponder(ctx.publicContext()));
    byte[] publicBytes = ctx.serializePublic();
    assertThrows(MissingKeyException.class, () -> RefreshResponder.load(publicBytes));
  }

  @Test
  void loadedResponderOwnsItsContext() {
    CkksContext ctx = RefreshContexts.deep();
    byte[] ct = ciphertextBytes(ctx, 2);
    try (RefreshResponder responder = RefreshResponder.load(ctx.serialize())) {
      assertEquals(1, responder.respond(request(ctx, ctx.maxLevel(), ct)).size());
    }
  }

  @Test
  void refusesMalformedRequests() {
    CkksContext ctx = RefreshContexts.deep();
    RefreshResponder responder = new RefreshResponder(ctx);
    byte[] ct = ciphertextBytes(ctx, 2);
    byte[] header = RefreshWire.header(ctx.keyId(), 4, 1);
    assertThrows(CorruptDataException.class, () -> responder.respond(List.of()));
    assertThrows(CorruptDataException.class, () -> responder.respond(Arrays.asList(null, ct)));
    byte[] badMagic = header.clone();
    badMagic[0] ^= 1;
    assertThrows(CorruptDataException.class, () -> responder.respond(List.of(badMagic, ct)));
    byte[] badVersion = header.clone();
    badVersion[7] = 9;
    assertThrows(CorruptDataException.class, () -> responder.respond(List.of(badVersion, ct)));
    assertThrows(CorruptDataException.class, () -> responder.respond(List.of(Arrays.copyOf(header, 10), ct)));
    assertThrows(CorruptDataException.class, () -> responder.respond(List.of(header)));            // count 1, none follow
    assertThrows(CorruptDataException.class, () -> responder.respond(List.of(header, ct, ct)));    // one too many
    assertThrows(CorruptDataException.class, () -> responder.respond(request(ctx, 5, ct)));        // level 5 > 4
    assertThrows(CorruptDataException.class, () -> responder.respond(request(ctx, 1, ct)));        // below the ct
    assertThrows(CorruptDataException.class, () -> responder.respond(List.of(RefreshWire.header(ctx.keyId(), 4, -1))));
    List<byte[]> foreign = new ArrayList<>(List.of(RefreshWire.header("0123456789abcdef0123456789abcdef", 4, 1), ct));
    assertThrows(IncompatibleObjectsException.class, () -> responder.respond(foreign));
  }

  @Test
  void refusesGarbageCiphertexts() {
    CkksContext ctx = RefreshContexts.deep();
    RefreshResponder responder = new RefreshResponder(ctx);
    byte[] ct = ciphertextBytes(ctx, 2);
    byte[] flipped = ct.clone();
    flipped[ct.length - 7] ^= 0x40;
    CorruptDataException e =
        assertThrows(CorruptDataException.class, () -> responder.respond(request(ctx, 4, ct, flipped)));
    assertTrue(e.getMessage().contains("ciphertext 1"), e.getMessage());
    assertThrows(CorruptDataException.class, () -> responder.respond(request(ctx, 4, new byte[0])));
    assertThrows(CorruptDataException.class, () -> responder.respond(request(ctx, 4, new byte[1 << 12])));
    assertThrows(CorruptDataException.class, () -> responder.respond(request(ctx, 4, Arrays.copyOf(ct, 64))));
    // A ciphertext of other parameters.
    byte[] otherParams = ciphertextBytes(RefreshContexts.secure(), 1);
    assertThrows(CorruptDataException.class, () -> responder.respond(request(ctx, 4, otherParams)));
  }
}
