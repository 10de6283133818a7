#include "node/core/node_tags.h"

#include "crypto/device_tag.h"
#include "crypto/oprf_key.h"

namespace imeisync::node::core {

Result<std::vector<Hash32>> NodeTags::Tags(
    std::span<const std::string> imei14s) const {
  std::shared_ptr<tags::TagSource> source;
  {
    std::lock_guard lock(mu_);
    source = source_;
  }
  return source->Tags(imei14s);
}

Result<Hash32> NodeTags::TagOf(std::string_view imei14) const {
  const std::string one(imei14);
  IMEISYNC_ASSIGN_OR_RETURN(std::vector<Hash32> tags,
                            Tags(std::span<const std::string>(&one, 1)));
  return tags.front();
}

void NodeTags::Set(std::shared_ptr<tags::TagSource> source) {
  std::lock_guard lock(mu_);
  source_ = std::move(source);
}

Result<std::shared_ptr<tags::TagSource>> LocalTagSource(
    const federation::NodeConfig& config, const BundleHolder& bundles) {
  auto current = bundles.Current();
  const federation::Bundle& bundle = current->bundle;
  if (bundle.mode == federation::TagMode::kSalted) {
    if (config.salt.empty()) {
      return std::shared_ptr<tags::TagSource>(
          tags::NoTags("node " + config.id +
                       " has no salt in node.toml: it cannot tag devices"));
    }
    IMEISYNC_ASSIGN_OR_RETURN(crypto::Salt salt,
                              crypto::Salt::LoadFile(config.salt));
    return std::shared_ptr<tags::TagSource>(tags::SaltedTags(std::move(salt)));
  }
  if (config.oprf_key.empty()) {
    return std::shared_ptr<tags::TagSource>(tags::NoTags(
        "node " + config.id +
        " is in an oprf federation and is not connected to the OPRF "
        "evaluator: tags come from its Oprf service (run imeisyncd)"));
  }
  IMEISYNC_ASSIGN_OR_RETURN(crypto::OprfPrivateKey key,
                            crypto::OprfPrivateKey::LoadFile(config.oprf_key));
  const crypto::P256Element public_key = key.PublicKey();
  if (!bundle.oprf ||
      Bytes(public_key.begin(), public_key.end()) != bundle.oprf->public_key) {
    return FailedPrecondition(config.oprf_key +
                              " is not the OPRF key whose public half the "
                              "bundle's [oprf] table names");
  }
  const BundleHolder* holder = &bundles;
  return std::shared_ptr<tags::TagSource>(
      tags::OprfKeyTags(std::move(key), [holder] {
        auto b = holder->Current();
        return b->bundle.oprf ? b->bundle.oprf->public_key : Bytes();
      }));
}

}  // namespace imeisync::node::core
