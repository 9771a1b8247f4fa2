// Unit tests of the serialization building blocks: byte reader/writer, header, checksum, bit packing,
// ternary code, zlib body reader.
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "hnn/serial/byte_io.h"
#include "hnn/serial/coefficient_packing.h"
#include "hnn/serial/compression.h"
#include "hnn/serial/header.h"
#include "hnn/util/errors.h"
#include "test_framework.h"

using namespace hnn;
using namespace hnn::serial;

TEST(serial_byte_io_round_trip_and_bounds) {
  std::vector<std::uint8_t> buf;
  ByteWriter w(buf);
  w.u8(0xAB);
  w.u16(0x1234);
  w.u32(0xDEADBEEF);
  w.u64(0x0123456789ABCDEFULL);
  w.f64(-2.5);
  CHECK_EQ(buf.size(), 1u + 2 + 4 + 8 + 8);
  CHECK_EQ(int(buf[1]), 0x34);  // little-endian
  ByteReader r(buf.data(), buf.size(), "test");
  CHECK_EQ(int(r.u8("a")), 0xAB);
  CHECK_EQ(r.u16("b"), 0x1234);
  CHECK_EQ(r.u32("c"), 0xDEADBEEFu);
  CHECK_EQ(r.u64("d"), 0x0123456789ABCDEFULL);
  CHECK_EQ(r.f64("e"), -2.5);
  r.expect_end();
  CHECK_THROWS(r.u8("past end"), CorruptDataError);
  ByteReader r2(buf.data(), 3, "short");
  CHECK_THROWS(r2.u32("x"), CorruptDataError);
  CHECK_EQ(r2.remaining(), 3u);  // a failed read consumes nothing
  std::uint8_t tmp[8];
  CHECK_THROWS(r2.bytes(tmp, std::numeric_limits<std::size_t>::max(), "huge"), CorruptDataError);
  ByteReader r3(buf.data(), buf.size(), "trailing");
  r3.u8("a");
  CHECK_THROWS(r3.expect_end(), CorruptDataError);
}

TEST(serial_header_round_trip_and_checksum) {
  std::vector<std::uint8_t> blob(kHeaderSize + 10, 0x5A);
  Header h;
  h.type = ObjectType::kCiphertext;
  h.compression = Compression::kZlib;
  h.descriptor_size = 4;
  h.body_raw_size = 100;
  h.body_stored_size = 6;
  h.params_hash[3] = 7;
  write_header(h, blob.data());
  seal_checksum(blob.data(), blob.size());
  Header g = read_header(blob.data(), blob.size());
  CHECK(g.type == ObjectType::kCiphertext);
  CHECK(g.compression == Compression::kZlib);
  CHECK_EQ(g.descriptor_size, 4u);
  CHECK_EQ(g.body_raw_size, 100u);
  CHECK_EQ(g.body_stored_size, 6u);
  CHECK(g.params_hash == h.params_hash);
  CHECK_EQ(g.checksum, compute_checksum(blob.data(), blob.size()));
  // Any single-bit change anywhere changes the checksum (CRC-32 detects all bursts up to 32 bits).
  for (std::size_t i = 0; i < blob.size(); ++i) {
    if (i >= kChecksumOffset && i < kChecksumOffset + 4) continue;
    for (int bit = 0; bit < 8; ++bit) {
      blob[i] ^= static_cast<std::uint8_t>(1 << bit);
      CHECK(compute_checksum(blob.data(), blob.size()) != g.checksum);
      blob[i] ^= static_cast<std::uint8_t>(1 << bit);
    }
  }
  CHECK_THROWS(read_header(blob.data(), kHeaderSize - 1), CorruptDataError);
  blob[0] = 'X';
  CHECK_THROWS(read_header(blob.data(), blob.size()), CorruptDataError);
  blob[0] = 'H';
  blob[4] = 2;  // version
  CHECK_THROWS(read_header(blob.data(), blob.size()), CorruptDataError);
  blob[4] = 1;
  blob[6] = 0;  // type
  CHECK_THROWS(read_header(blob.data(), blob.size()), CorruptDataError);
  blob[6] = 8;
  CHECK_THROWS(read_header(blob.data(), blob.size()), CorruptDataError);
  blob[6] = 3;
  blob[7] = 2;  // compression
  CHECK_THROWS(read_header(blob.data(), blob.size()), CorruptDataError);
  CHECK_THROWS(read_header(nullptr, 5), CorruptDataError);
}

TEST(serial_packing_round_trip_all_widths) {
  std::mt19937_64 rng(1);
  const std::size_t n = 1024;
  std::vector<std::uint64_t> v(n), back(n);
  for (int w = 0; w <= 60; ++w) {
    // A bound q < 2^w (2 for w = 1); values below it, one reaching bit w-1 so that w is minimal.
    const std::uint64_t q = w <= 1 ? 2 : (std::uint64_t{1} << w) - 1;
    for (auto& x : v) x = w == 0 ? 0 : rng() % q;
    if (w > 0) v[5] = (std::uint64_t{1} << (w - 1));  // make w minimal
    CHECK_EQ(limb_width(v.data(), n), w);
    std::vector<std::uint8_t> packed(packed_limb_bytes(n, w));
    pack_limb(v.data(), n, w, packed.data());
    // The documented bit order, bit by bit: bit b of value i is bit i * w + b of the little-endian stream.
    std::vector<std::uint8_t> reference(packed.size(), 0);
    for (std::size_t i = 0; i < n; ++i)
      for (int b = 0; b < w; ++b) {
        const std::size_t bit = i * static_cast<std::size_t>(w) + static_cast<std::size_t>(b);
        reference[bit / 8] = static_cast<std::uint8_t>(reference[bit / 8] | (((v[i] >> b) & 1u) << (bit % 8)));
      }
    CHECK(packed == reference);
    unpack_limb(packed.data(), n, w, q, back.data(), "limb");
    CHECK(back == v);
    if (w > 1) {
      // A value >= q is rejected, at the start or at the very end of the limb; so is a width that is not
      // minimal.
      for (std::size_t at : {std::size_t{7}, n - 1}) {
        std::vector<std::uint64_t> bad = v;
        bad[at] = q;
        pack_limb(bad.data(), n, w, packed.data());
        CHECK_THROWS(unpack_limb(packed.data(), n, w, q, back.data(), "limb"), CorruptDataError);
      }
      std::vector<std::uint64_t> small(n, 1);
      pack_limb(small.data(), n, w, packed.data());
      CHECK_THROWS(unpack_limb(packed.data(), n, w, q, back.data(), "limb"), CorruptDataError);
    }
  }
  CHECK_EQ(packed_limb_bytes(8192, 40), 8192u * 5);
  CHECK_THROWS(unpack_limb(nullptr, 8, 61, 3, back.data(), "limb"), CorruptDataError);
}

TEST(serial_ternary_round_trip_and_invalid_code) {
  std::mt19937_64 rng(2);
  const std::size_t n = 4096;
  std::vector<std::int8_t> t(n), back(n);
  for (auto& x : t) x = static_cast<std::int8_t>(static_cast<int>(rng() % 3) - 1);
  std::vector<std::uint8_t> packed(n / 4);
  pack_ternary(t.data(), n, packed.data());
  unpack_ternary(packed.data(), n, back.data());
  CHECK(back == t);
  packed[100] |= 0xC0;  // code 3
  CHECK_THROWS(unpack_ternary(packed.data(), n, back.data()), CorruptDataError);
}

TEST(serial_zlib_body_reader_exact_sizes) {
  std::vector<std::uint8_t> raw(100000);
  for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<std::uint8_t>((i * 7) ^ (i >> 5));
  std::vector<std::uint8_t> z;
  zlib_compress(raw.data(), raw.size(), z, false);
  CHECK(z.size() <= zlib_stored_bound(raw.size()));
  {
    BodyReader br(z.data(), z.size(), raw.size(), Compression::kZlib, true);
    std::vector<std::uint8_t> out(raw.size());
    br.read(out.data(), 1000, "a");
    br.read(out.data() + 1000, raw.size() - 1000, "b");
    br.finish();
    CHECK(out == raw);
  }
  {  // declared raw size too small: the stream has more data
    BodyReader br(z.data(), z.size(), raw.size() - 1, Compression::kZlib, false);
    std::vector<std::uint8_t> out(raw.size());
    br.read(out.data(), raw.size() - 1, "a");
    CHECK_THROWS(br.finish(), CorruptDataError);
    CHECK_THROWS(br.read(out.data(), 2, "beyond"), CorruptDataError);
  }
  {  // declared too large: the stream ends first
    BodyReader br(z.data(), z.size(), raw.size() + 1, Compression::kZlib, false);
    std::vector<std::uint8_t> out(raw.size() + 1);
    CHECK_THROWS(br.read(out.data(), raw.size() + 1, "all"), CorruptDataError);
  }
  {  // truncated stream
    BodyReader br(z.data(), z.size() - 3, raw.size(), Compression::kZlib, false);
    std::vector<std::uint8_t> out(raw.size());
    bool threw = false;
    try {
      br.read(out.data(), raw.size(), "all");
      br.finish();
    } catch (const CorruptDataError&) {
      threw = true;
    }
    CHECK(threw);
  }
  {  // trailing bytes after the stream
    std::vector<std::uint8_t> z2 = z;
    z2.push_back(0);
    BodyReader br(z2.data(), z2.size(), raw.size(), Compression::kZlib, false);
    std::vector<std::uint8_t> out(raw.size());
    br.read(out.data(), raw.size(), "all");
    CHECK_THROWS(br.finish(), CorruptDataError);
  }
  {  // garbage
    std::vector<std::uint8_t> g(50, 0x77);
    BodyReader br(g.data(), g.size(), 10, Compression::kZlib, false);
    std::uint8_t out[10];
    CHECK_THROWS(br.read(out, 10, "all"), CorruptDataError);
  }
  {  // plain body: sizes must agree
    CHECK_THROWS(BodyReader(raw.data(), 10, 11, Compression::kNone, false), CorruptDataError);
    BodyReader br(raw.data(), 10, 10, Compression::kNone, false);
    std::uint8_t out[11];
    CHECK_THROWS(br.read(out, 11, "too much"), CorruptDataError);
    br.read(out, 4, "part");
    CHECK_THROWS(br.finish(), CorruptDataError);
  }
}
