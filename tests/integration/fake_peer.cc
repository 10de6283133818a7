#include "tests/integration/fake_peer.h"

#include <boost/test/unit_test.hpp>
#include <random>

#include "crypto/checkpoint.h"
#include "crypto/note.h"
#include "node/merkle/log_hash.h"
#include "node/merkle/memory_log.h"
#include "node/rpc/tls.h"
#include "node/rpc/wire.h"

namespace imeisync::testing {

namespace {

// The TLS identity in a node directory made by `federation add-member`.
node::rpc::TlsMaterial TlsOf(const std::string& node_dir) {
  node::federation::NodeConfig config;
  config.ca_cert = node_dir + "/ca.crt";
  config.tls_key = node_dir + "/tls.key";
  config.tls_cert = node_dir + "/tls.crt";
  auto tls = node::rpc::LoadTlsMaterial(config);
  BOOST_TEST_REQUIRE(tls.ok(), tls.status().ToString());
  return *tls;
}

}  // namespace

SignedLog SignLog(const std::string& origin,
                  const std::vector<node::Entry>& entries,
                  const std::string& key_path) {
  node::merkle::MemoryLog log;
  for (const node::Entry& e : entries) {
    log.Append(node::merkle::LogLeafHash(node::EncodeEntry(e)));
  }
  crypto::Note note;
  note.text =
      crypto::FormatCheckpointText({origin, log.size(), log.Root(), {}});
  auto key = crypto::Ed25519PrivateKey::LoadPem(key_path);
  BOOST_TEST_REQUIRE(key.ok(), key.status().ToString());
  auto signer = crypto::NoteSigner::Create(origin, std::move(*key));
  BOOST_TEST_REQUIRE(signer.ok());
  note.signatures.push_back(signer->Sign(note.text));
  return SignedLog{origin, entries, crypto::FormatNote(note)};
}

std::vector<node::Entry> RandomEntries(node::Action action, node::Reason reason,
                                       size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<node::Entry> out;
  for (size_t i = 0; i < count; ++i) {
    node::Entry e{action, reason, {}, 1'700'000'000'000 + i};
    for (auto& b : e.tag) b = static_cast<uint8_t>(rng());
    out.push_back(e);
  }
  return out;
}

class FakePeer::Service final : public v1::Replication::Service {
 public:
  explicit Service(uint64_t version) : version_(version) {}

  void Serve(const std::string& origin, const std::string& note,
             const std::vector<node::Entry>& entries) {
    std::lock_guard lock(mu_);
    origin_ = origin;
    note_ = note;
    entries_ = entries;
  }

  grpc::Status Hello(grpc::ServerContext*, const v1::HelloRequest*,
                     v1::HelloResponse* reply) override {
    reply->set_bundle_version(version_);
    return grpc::Status::OK;
  }
  grpc::Status GetFrontier(grpc::ServerContext*, const v1::GetFrontierRequest*,
                           v1::Frontier* reply) override {
    std::lock_guard lock(mu_);
    if (!origin_.empty()) {
      v1::OriginHead* h = reply->add_origins();
      h->set_origin(origin_);
      h->set_size(entries_.size());
      h->set_root(std::string(32, '\0'));
      h->mutable_checkpoint()->set_note(note_);
    }
    reply->set_state_root(std::string(32, '\0'));
    reply->set_bundle_version(version_);
    return grpc::Status::OK;
  }
  grpc::Status GetEntries(grpc::ServerContext*,
                          const v1::GetEntriesRequest* request,
                          grpc::ServerWriter<v1::EntryChunk>* writer) override {
    std::vector<node::Entry> slice;
    {
      std::lock_guard lock(mu_);
      if (request->origin() != origin_ || request->end() > entries_.size() ||
          request->begin() >= request->end()) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                            "no such range");
      }
      slice.assign(entries_.begin() + static_cast<long>(request->begin()),
                   entries_.begin() + static_cast<long>(request->end()));
    }
    v1::EntryChunk chunk;
    chunk.set_first_index(request->begin());
    chunk.set_entries(node::rpc::PackEntries(slice));
    writer->Write(chunk);
    return grpc::Status::OK;
  }
  grpc::Status Announce(grpc::ServerContext*, const v1::AnnounceRequest*,
                        v1::AnnounceResponse*) override {
    return grpc::Status::OK;
  }

 private:
  const uint64_t version_;
  std::mutex mu_;
  std::string origin_;                // guarded by mu_
  std::string note_;                  // guarded by mu_
  std::vector<node::Entry> entries_;  // guarded by mu_
};

FakePeer::FakePeer(const std::string& node_dir, const std::string& endpoint,
                   uint64_t bundle_version)
    : service_(std::make_unique<Service>(bundle_version)), node_dir_(node_dir) {
  const node::rpc::TlsMaterial tls = TlsOf(node_dir);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(endpoint, node::rpc::PeerServerCredentials(tls));
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  BOOST_TEST_REQUIRE(server_ != nullptr,
                     "fake peer cannot listen on " + endpoint);
}

FakePeer::~FakePeer() {
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
}

grpc::Status FakePeer::AnnounceTo(const std::string& id,
                                  const std::string& endpoint,
                                  const std::string& note) {
  const node::rpc::TlsMaterial tls = TlsOf(node_dir_);
  auto stub =
      v1::Replication::NewStub(node::rpc::PeerChannel(tls, endpoint, id));
  v1::AnnounceRequest request;
  request.add_checkpoints()->set_note(note);
  v1::AnnounceResponse reply;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(5));
  return stub->Announce(&context, request, &reply);
}

void FakePeer::Serve(const std::string& origin, const std::string& note,
                     const std::vector<node::Entry>& entries) {
  service_->Serve(origin, note, entries);
}

}  // namespace imeisync::testing
