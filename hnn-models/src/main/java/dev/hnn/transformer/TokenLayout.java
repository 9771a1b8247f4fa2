package dev.hnn.transformer;

import java.util.Arrays;

/**
 * Where an L x d token matrix sits in the slots of one or more ciphertexts: feature-major, token-minor. Slot
 * {@code f * L + t} of ciphertext {@code c} holds token t of the feature at ring position f of that ciphertext;
 * each ciphertext is a ring of {@code F = slots / L} feature positions, and a logical feature i sits at the global
 * position {@code position(i) = c * F + f}. Positions no feature maps to are padding and hold zero after
 * encryption.
 *
 * <p>Why token-minor: a rotation by {@code L * k} moves every token's features by k at once, cyclically in the
 * ring, so the diagonal method for X W runs over the features of all L tokens together (one plaintext multiply
 * per diagonal for the whole sentence), and every rotation the linear layers, head sums and LayerNorm sums need is
 * a multiple of L. Token rotations (attention) are the only ones that must stay inside an L-block, and cost two
 * rotations and a mask ({@link TokenRotation}).
 *
 * <p>Two orders of features within the positions:
 * <ul>
 *   <li>{@link #featureMajor}: feature i at position i (the plain order; 384 features at L = 32 use two
 *       ciphertexts of 256 positions, the second half-used).
 *   <li>{@link #headInterleaved}: for attention, feature {@code h * w + e} (head h, dimension e) at ring position
 *       {@code (e mod D) * Hp + h} of ciphertext {@code e / D}, where Hp = pow2(heads) and D = F / Hp dimensions
 *       share a ring. The dimensions of one head then sit at stride Hp in every ring, so the sum over a head's
 *       dimensions is a rotate-and-sum over the whole ring with stride {@code Hp * L} that leaves the head's total
 *       in every one of its own slots (no mask, no second pass to broadcast it), and summing the ciphertexts first
 *       completes it. 12 heads of 32 at L = 32: Hp = 16, D = 16, two ciphertexts (the four spare head positions per
 *       ring are padding). The projections Q, K, V, O take this order for free: it only permutes the rows or
 *       columns of their weights.
 * </ul>
 */
public final class TokenLayout {
  private final int slots;
  private final int tokens;
  private final int ring;
  private final int[] positions;
  private final int[] featureAt;
  private final int ciphertexts;
  private final int heads;
  private final int headWidth;
  private final int headSlots;

  private TokenLayout(int slots, int tokens, int[] positions, int heads, int headWidth, int headSlots) {
    this.slots = slots;
    this.tokens = tokens;
    this.ring = slots / tokens;
    this.positions = positions;
    this.heads = heads;
    this.headWidth = headWidth;
    this.headSlots = headSlots;
    int max = Arrays.stream(positions).max().orElseThrow();
    this.ciphertexts = max / ring + 1;
    this.featureAt = new int[ciphertexts * ring];
    Arrays.fill(featureAt, -1);
    for (int i = 0; i < positions.length; i++) {
      if (featureAt[positions[i]] != -1) throw new IllegalArgumentException("two features at position " + positions[i]);
      featureAt[positions[i]] = i;
    }
  }

  /** Feature i at position i: ceil(d / F) ciphertexts, the last one zero-padded. */
  public static TokenLayout featureMajor(int slots, int tokens, int features) {
    check(slots, tokens);
    if (features < 1) throw new IllegalArgumentException("need at least one feature");
    int[] p = new int[features];
    for (int i = 0; i < features; i++) p[i] = i;
    return new TokenLayout(slots, tokens, p, 0, 0, 0);
  }

  /** heads x width features (head-major logical order), dimensions of a head at stride pow2(heads) in each ring. */
  public static TokenLayout headInterleaved(int slots, int tokens, int heads, int width) {
    check(slots, tokens);
    if (heads < 1 || width < 1) throw new IllegalArgumentException("need at least one head of width >= 1");
    int ring = slots / tokens;
    int hp = Integer.highestOneBit(heads) == heads ? heads : Integer.highestOneBit(heads) << 1;
    if (hp > ring)
      throw new IllegalArgumentException(heads + " heads do not fit a ring of " + ring + " positions (L = " + tokens + ")");
    int dims = ring / hp;
    int[] p = new int[heads * width];
    for (int h = 0; h < heads; h++)
      for (int e = 0; e < width; e++) p[h * width + e] = (e / dims) * ring + (e % dims) * hp + h;
    return new TokenLayout(slots, tokens, p, heads, width, hp);
  }

  private static void check(int slots, int tokens) {
    if (tokens < 1 || Integer.bitCount(tokens) != 1 || slots % tokens != 0 || tokens > slots)
      throw new IllegalArgumentException("the token count must be a power of two dividing " + slots + ", got " + tokens);
  }

  public int slots() {
    return slots;
  }

  /** L: the token capacity (a length bucket; shorter sentences are zero-padded and masked). */
  public int tokens() {
    return tokens;
  }

  /** F = slots / L: feature positions per ciphertext. */
  public int ring() {
    return ring;
  }

  /** d: logical features. */
  public int features() {
    return positions.length;
  }

  public int ciphertexts() {
    return ciphertexts;
  }

  /** The global position c * F + f of logical feature i. */
  public int position(int feature) {
    return positions[feature];
  }

  /** The logical feature at global position p, or -1 for padding. */
  public int featureAt(int position) {
    return position < featureAt.length ? featureAt[position] : -1;
  }

  public boolean isHeadInterleaved() {
    return headSlots > 0;
  }

  public int heads() {
    return heads;
  }

  public int headWidth() {
    return headWidth;
  }

  /** Hp = pow2(heads): the stride of a head's dimensions in a ring (0 if not head-interleaved). */
  public int headSlots() {
    return headSlots;
  }

  /** The slot vectors of an L x d matrix (rows = tokens, fewer rows = padding tokens): one per ciphertext. */
  public double[][] pack(double[][] x) {
    if (x.length > tokens) throw new IllegalArgumentException(x.length + " tokens exceed the layout's " + tokens);
    double[][] v = new double[ciphertexts][slots];
    for (int t = 0; t < x.length; t++) {
      if (x[t].length != features())
        throw new IllegalArgumentException("token " + t + " has " + x[t].length + " features, expected " + features());
      for (int i = 0; i < features(); i++) {
        int p = positions[i];
        v[p / ring][(p % ring) * tokens + t] = x[t][i];
      }
    }
    return v;
  }

  /** The L x d matrix in slot vectors laid out by {@link #pack}. */
  public double[][] unpack(double[][] v) {
    if (v.length != ciphertexts) throw new IllegalArgumentException("need " + ciphertexts + " slot vectors");
    double[][] x = new double[tokens][features()];
    for (int t = 0; t < tokens; t++)
      for (int i = 0; i < features(); i++) {
        int p = positions[i];
        x[t][i] = v[p / ring][(p % ring) * tokens + t];
      }
    return x;
  }

  /** A per-token vector (length L) repeated over every feature position: for token masks. */
  public double[] perToken(double[] values) {
    if (values.length != tokens) throw new IllegalArgumentException("need " + tokens + " values");
    double[] v = new double[slots];
    for (int s = 0; s < slots; s++) v[s] = values[s % tokens];
    return v;
  }

  public boolean sameShape(TokenLayout o) {
    return slots == o.slots && tokens == o.tokens && Arrays.equals(positions, o.positions);
  }

  @Override
  public String toString() {
    return "TokenLayout{L=" + tokens + ", d=" + features() + ", F=" + ring + ", ciphertexts=" + ciphertexts
        + (isHeadInterleaved() ? ", heads=" + heads + "x" + headWidth + " at stride " + headSlots : "") + "}";
  }
}
