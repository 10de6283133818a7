#include "node/rpc/remote_state_view.h"

#include "node/rpc/grpc_status.h"
#include "node/rpc/wire.h"

namespace imeisync::node::rpc {
namespace {

v1::SubtreeRequest Request(const merkle::NibblePrefix& prefix) {
  v1::SubtreeRequest r;
  r.set_prefix(HashBytes(prefix.bytes));
  r.set_depth(static_cast<uint32_t>(prefix.depth));
  return r;
}

}  // namespace

template <class Reply>
Status RemoteStateView::Ask(
    grpc::Status (v1::StateSync::StubInterface::*method)(
        grpc::ClientContext*, const v1::SubtreeRequest&, Reply*),
    const merkle::NibblePrefix& prefix, Reply& reply) {
  ++calls_;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline_);
  return FromGrpc((stub_.*method)(&context, Request(prefix), &reply));
}

Result<merkle::SubtreeView> RemoteStateView::At(
    const merkle::NibblePrefix& prefix) {
  v1::Subtree reply;
  IMEISYNC_RETURN_IF_ERROR(
      Ask(&v1::StateSync::StubInterface::GetSubtree, prefix, reply));
  merkle::SubtreeView view;
  IMEISYNC_ASSIGN_OR_RETURN(view.hash, ParseHash(reply.hash(), "subtree hash"));
  switch (reply.kind()) {
    case 0:
      view.kind = merkle::ChildKind::kEmpty;
      break;
    case 1: {
      view.kind = merkle::ChildKind::kLeaf;
      IMEISYNC_ASSIGN_OR_RETURN(view.leaf.first,
                                ParseHash(reply.leaf_key(), "leaf key"));
      IMEISYNC_ASSIGN_OR_RETURN(view.leaf.second,
                                ParseHash(reply.leaf_value(), "leaf value"));
      break;
    }
    case 2: {
      view.kind = merkle::ChildKind::kInternal;
      IMEISYNC_ASSIGN_OR_RETURN(
          view.node, merkle::StateNode::Decode(AsBytes(reply.node())));
      break;
    }
    default:
      return InvalidArgument("subtree kind " + std::to_string(reply.kind()) +
                             " is not 0, 1 or 2");
  }
  return view;
}

Result<std::vector<merkle::StatePair>> RemoteStateView::LeavesUnder(
    const merkle::NibblePrefix& prefix) {
  v1::Leaves reply;
  IMEISYNC_RETURN_IF_ERROR(
      Ask(&v1::StateSync::StubInterface::GetLeaves, prefix, reply));
  if (reply.keys_size() != reply.values_size()) {
    return InvalidArgument("leaves: keys and values differ in number");
  }
  std::vector<merkle::StatePair> out;
  for (int i = 0; i < reply.keys_size(); ++i) {
    merkle::StatePair p;
    IMEISYNC_ASSIGN_OR_RETURN(p.first, ParseHash(reply.keys(i), "leaf key"));
    IMEISYNC_ASSIGN_OR_RETURN(p.second,
                              ParseHash(reply.values(i), "leaf value"));
    out.push_back(p);
  }
  return out;
}

}  // namespace imeisync::node::rpc
