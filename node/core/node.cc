#include "node/core/node.h"

#include <utility>

#include "crypto/cosignature.h"
#include "node/federation/origin_name.h"

namespace imeisync::node::core {

Result<std::unique_ptr<Node>> Node::Open(const federation::NodeConfig& config) {
  IMEISYNC_ASSIGN_OR_RETURN(std::unique_ptr<BundleHolder> bundles,
                            BundleHolder::Load(config.bundle, config.id));
  auto current = bundles->Current();
  const federation::Member* self = current->bundle.FindMember(config.id);
  IMEISYNC_ASSIGN_OR_RETURN(
      crypto::Ed25519PrivateKey key,
      crypto::Ed25519PrivateKey::LoadPem(config.signing_key));
  if (key.public_key().raw() != self->key.raw()) {
    return FailedPrecondition(config.signing_key +
                              " is not the key the bundle lists for " +
                              config.id);
  }
  std::string origin =
      federation::OriginName(current->bundle.federation, config.id);
  IMEISYNC_ASSIGN_OR_RETURN(crypto::NoteSigner log_signer,
                            crypto::NoteSigner::Create(origin, key.Share()));
  IMEISYNC_ASSIGN_OR_RETURN(crypto::NoteSigner head_signer,
                            crypto::NoteSigner::Create(origin, key.Share()));
  // The same key witnesses other origins' checkpoints (type 0x04 key ID).
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Cosigner cosigner,
                            crypto::Cosigner::Create(origin, key.Share()));
  IMEISYNC_ASSIGN_OR_RETURN(std::unique_ptr<Storage> storage,
                            Storage::Open(config.data_dir));
  std::unique_ptr<Node> node(
      new Node(config, std::move(origin), std::move(key), std::move(bundles),
               std::move(storage),
               Signers{std::move(log_signer), std::move(head_signer),
                       std::move(cosigner)}));
  IMEISYNC_ASSIGN_OR_RETURN(std::shared_ptr<tags::TagSource> tags,
                            LocalTagSource(config, *node->bundles_));
  node->tags_.Set(std::move(tags));
  return node;
}

Node::Node(federation::NodeConfig config, std::string origin,
           crypto::Ed25519PrivateKey key, std::unique_ptr<BundleHolder> bundles,
           std::unique_ptr<Storage> storage, Signers signers)
    : config_(std::move(config)),
      origin_(std::move(origin)),
      key_(std::move(key)),
      bundles_(std::move(bundles)),
      storage_(std::move(storage)),
      tags_(tags::NoTags("the node is still opening")),
      reads_(*storage_) {
  witnessing_ = std::make_unique<Witnessing>(*storage_, *bundles_,
                                             std::move(signers.witness));
  replicator_ = std::make_unique<Replicator>(*storage_, *bundles_, *witnessing_,
                                             config_.id, origin_);
  own_log_ = std::make_unique<OwnLog>(*storage_, *bundles_, tags_,
                                      std::move(signers.log));
  state_heads_ =
      std::make_unique<StateHeads>(*storage_, std::move(signers.state_head));
}

}  // namespace imeisync::node::core
