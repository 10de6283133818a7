#include "node/tags/tag_source.h"

#include <mutex>
#include <utility>

namespace imeisync::node::tags {
namespace {

class Salted final : public TagSource {
 public:
  explicit Salted(crypto::Salt salt) : salt_(std::move(salt)) {}

  Result<std::vector<Hash32>> Tags(
      std::span<const std::string> imei14s) override {
    crypto::Tagger tagger(salt_);  // one keyed HMAC state per call
    std::vector<Hash32> out;
    out.reserve(imei14s.size());
    for (const std::string& imei14 : imei14s) out.push_back(tagger.Tag(imei14));
    return out;
  }

 private:
  const crypto::Salt salt_;
};

class WithKey final : public TagSource {
 public:
  WithKey(crypto::OprfPrivateKey key, std::function<Bytes()> current)
      : key_(std::move(key)),
        public_key_([this] {
          const crypto::P256Element pk = key_.PublicKey();
          return Bytes(pk.begin(), pk.end());
        }()),
        current_(std::move(current)) {}

  Result<std::vector<Hash32>> Tags(
      std::span<const std::string> imei14s) override {
    if (current_() != public_key_) {
      return FailedPrecondition(
          "the bundle's OPRF public key is no longer this node's oprf_key: "
          "install the new epoch's key file and restart");
    }
    // The server object keeps scratch state; one per call keeps this
    // thread-safe without a lock around the multiplications.
    crypto::OprfServer server(crypto::OprfMode::kVoprf, key_);
    std::vector<Hash32> out;
    out.reserve(imei14s.size());
    for (const std::string& imei14 : imei14s) {
      IMEISYNC_ASSIGN_OR_RETURN(Hash32 tag, server.Evaluate(AsBytes(imei14)));
      out.push_back(tag);
    }
    return out;
  }

 private:
  const crypto::OprfPrivateKey key_;
  const Bytes public_key_;
  const std::function<Bytes()> current_;
};

class None final : public TagSource {
 public:
  explicit None(std::string why) : why_(std::move(why)) {}
  Result<std::vector<Hash32>> Tags(std::span<const std::string>) override {
    return FailedPrecondition(why_);
  }

 private:
  const std::string why_;
};

}  // namespace

std::unique_ptr<TagSource> SaltedTags(crypto::Salt salt) {
  return std::make_unique<Salted>(std::move(salt));
}

std::unique_ptr<TagSource> OprfKeyTags(
    crypto::OprfPrivateKey key, std::function<Bytes()> current_public_key) {
  return std::make_unique<WithKey>(std::move(key),
                                   std::move(current_public_key));
}

std::unique_ptr<TagSource> NoTags(std::string why) {
  return std::make_unique<None>(std::move(why));
}

}  // namespace imeisync::node::tags
