#include "hnn/serial/compression.h"

#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

#include "hnn/util/errors.h"
#include "hnn/util/memory.h"

namespace hnn::serial {
namespace {

// zlib allocator that remembers each block's size in a 16-byte prefix, so that zfree can wipe the block
// (zlib's windows and buffers hold plaintext copies of the data: secret key bytes for a secret key).
voidpf wiping_alloc(voidpf, uInt items, uInt size) {
  const std::size_t bytes = static_cast<std::size_t>(items) * static_cast<std::size_t>(size);  // < 2^64
  auto* p = static_cast<unsigned char*>(std::malloc(bytes + 16));
  if (!p) return Z_NULL;
  std::memcpy(p, &bytes, sizeof(bytes));
  return p + 16;
}
void wiping_free(voidpf, voidpf address) {
  if (!address) return;
  auto* p = static_cast<unsigned char*>(address) - 16;
  std::size_t bytes;
  std::memcpy(&bytes, p, sizeof(bytes));
  secure_wipe(p, bytes + 16);
  std::free(p);
}

constexpr std::size_t kMaxZlibChunk = std::size_t{1} << 30;  // zlib counts in 32-bit uInt

}  // namespace

std::uint64_t zlib_stored_bound(std::uint64_t raw) {
  if (raw > (std::numeric_limits<std::uint64_t>::max() >> 2)) return std::numeric_limits<std::uint64_t>::max();
  // compressBound(n) = n + n/4096 + n/16384 + n/33554432 + 13 for zlib 1.2.x; add margin for any version.
  return raw + raw / 1024 + 64;
}

void zlib_compress(const std::uint8_t* in, std::size_t n, std::vector<std::uint8_t>& out, bool secret) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  if (secret) {
    zs.zalloc = wiping_alloc;
    zs.zfree = wiping_free;
  }
  if (deflateInit(&zs, Z_DEFAULT_COMPRESSION) != Z_OK) throw Error("zlib deflateInit failed");
  const std::size_t start = out.size();
  std::size_t remaining_in = n;
  const std::uint8_t* next_in = in;
  int rc = Z_OK;
  do {
    if (zs.avail_in == 0 && remaining_in > 0) {
      const std::size_t chunk = remaining_in > kMaxZlibChunk ? kMaxZlibChunk : remaining_in;
      zs.next_in = const_cast<Bytef*>(next_in);
      zs.avail_in = static_cast<uInt>(chunk);
      next_in += chunk;
      remaining_in -= chunk;
    }
    const std::size_t grow = 1 << 16;
    const std::size_t used = out.size();
    out.resize(used + grow);
    zs.next_out = out.data() + used;
    zs.avail_out = static_cast<uInt>(grow);
    rc = deflate(&zs, remaining_in == 0 ? Z_FINISH : Z_NO_FLUSH);
    out.resize(used + (grow - zs.avail_out));
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      deflateEnd(&zs);
      out.resize(start);
      throw Error("zlib deflate failed");
    }
  } while (rc != Z_STREAM_END);
  deflateEnd(&zs);
}

struct BodyReader::Inflater {
  z_stream zs;
  std::size_t fed = 0;  // stored bytes handed to zlib so far
  bool ended = false;
  Inflater() { std::memset(&zs, 0, sizeof(zs)); }
  ~Inflater() { inflateEnd(&zs); }
};

BodyReader::BodyReader(const std::uint8_t* stored, std::size_t stored_size, std::uint64_t raw_size,
                       Compression compression, bool secret)
    : stored_(stored), stored_size_(stored_size), raw_size_(raw_size) {
  if (compression == Compression::kZlib) {
    auto inf = std::make_unique<Inflater>();
    if (secret) {
      inf->zs.zalloc = wiping_alloc;
      inf->zs.zfree = wiping_free;
    }
    if (inflateInit(&inf->zs) != Z_OK) throw Error("zlib inflateInit failed");
    inflater_ = std::move(inf);
  } else if (stored_size != raw_size) {
    throw CorruptDataError("uncompressed body: stored size differs from raw size");
  }
}

BodyReader::~BodyReader() = default;

void BodyReader::read(std::uint8_t* out, std::size_t n, const char* what) {
  if (n > raw_size_ - produced_)
    throw CorruptDataError(std::string("body ends before ") + what + " (declared body size too small)");
  if (!inflater_) {
    // stored_size_ == raw_size_ and consumed_ == produced_, so the check above bounds this copy.
    if (n != 0) std::memcpy(out, stored_ + consumed_, n);
    consumed_ += n;
    produced_ += n;
    return;
  }
  z_stream& zs = inflater_->zs;
  std::size_t done = 0;
  while (done < n) {
    if (inflater_->ended) throw CorruptDataError(std::string("compressed body ends before ") + what);
    if (zs.avail_in == 0 && inflater_->fed < stored_size_) {
      const std::size_t chunk = std::min(stored_size_ - inflater_->fed, kMaxZlibChunk);
      zs.next_in = const_cast<Bytef*>(stored_ + inflater_->fed);
      zs.avail_in = static_cast<uInt>(chunk);
      inflater_->fed += chunk;
    }
    const std::size_t want = std::min(n - done, kMaxZlibChunk);
    zs.next_out = out + done;
    zs.avail_out = static_cast<uInt>(want);
    const int rc = inflate(&zs, Z_NO_FLUSH);
    const std::size_t got = want - zs.avail_out;
    done += got;
    if (rc == Z_STREAM_END) {
      inflater_->ended = true;
    } else if (rc == Z_BUF_ERROR) {
      // No progress possible: all stored bytes are in and the stream is not finished.
      if (got == 0 && zs.avail_in == 0 && inflater_->fed == stored_size_)
        throw CorruptDataError(std::string("compressed body is truncated in ") + what);
    } else if (rc != Z_OK) {
      throw CorruptDataError(std::string("compressed body is malformed (zlib: ") + (zs.msg ? zs.msg : "error") +
                             ") in " + what);
    }
  }
  produced_ += n;
}

void BodyReader::finish() {
  if (produced_ != raw_size_) throw CorruptDataError("body has unread bytes (declared body size too large)");
  if (!inflater_) return;
  z_stream& zs = inflater_->zs;
  // Drive the stream to its end with a one-byte probe: any output means the stream holds more data than
  // the header declared; the probe is the only byte ever inflated beyond the declared size.
  while (!inflater_->ended) {
    if (zs.avail_in == 0 && inflater_->fed < stored_size_) {
      const std::size_t chunk = std::min(stored_size_ - inflater_->fed, kMaxZlibChunk);
      zs.next_in = const_cast<Bytef*>(stored_ + inflater_->fed);
      zs.avail_in = static_cast<uInt>(chunk);
      inflater_->fed += chunk;
    }
    std::uint8_t probe;
    zs.next_out = &probe;
    zs.avail_out = 1;
    const int rc = inflate(&zs, Z_NO_FLUSH);
    if (zs.avail_out == 0) throw CorruptDataError("compressed body is longer than its declared size");
    if (rc == Z_STREAM_END) {
      inflater_->ended = true;
    } else if (rc == Z_BUF_ERROR) {
      if (zs.avail_in == 0 && inflater_->fed == stored_size_)
        throw CorruptDataError("compressed body is truncated (stream not terminated)");
    } else if (rc != Z_OK) {
      throw CorruptDataError(std::string("compressed body is malformed (zlib: ") + (zs.msg ? zs.msg : "error") + ")");
    }
  }
  if (zs.avail_in != 0 || inflater_->fed != stored_size_)
    throw CorruptDataError("compressed body has trailing bytes after the end of the zlib stream");
}

}  // namespace hnn::serial
