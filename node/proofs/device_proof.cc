#include "node/proofs/device_proof.h"

#include <initializer_list>
#include <nlohmann/json.hpp>

#include "base/hex.h"

namespace imeisync::node::proofs {
namespace {

using OrderedJson = nlohmann::ordered_json;
using Json = nlohmann::json;

OrderedJson HashList(const std::vector<Hash32>& hashes) {
  OrderedJson out = OrderedJson::array();
  for (const Hash32& h : hashes) out.push_back(HexEncode(h));
  return out;
}

OrderedJson EncodeSlot(const SlotProof& slot) {
  OrderedJson reg = nullptr;
  if (slot.reg) {
    reg = {{"index", slot.reg->index},
           {"entry", HexEncode(EncodeEntry(slot.reg->entry))},
           {"inclusion", HashList(slot.reg->inclusion)}};
  }
  return {{"reason", ReasonName(slot.reason)},
          {"kind", KindName(slot.kind)},
          {"state_proof", HexEncode(slot.state_proof.Encode())},
          {"register", reg}};
}

// --- strict reading ----------------------------------------------------------

Status Bad(const std::string& where, const std::string& what) {
  return InvalidArgument("proof field " + where + ": " + what);
}

// `j` is an object with exactly `keys`.
Status ExpectObject(const Json& j, const std::string& where,
                    std::initializer_list<const char*> keys) {
  if (!j.is_object()) return Bad(where, "is not an object");
  for (const char* k : keys) {
    if (!j.contains(k)) return Bad(where, std::string("lacks \"") + k + "\"");
  }
  if (j.size() != keys.size()) {
    for (const auto& [k, v] : j.items()) {
      bool known = false;
      for (const char* want : keys) known = known || k == want;
      if (!known) {
        return Bad(where, "has an unknown field \"" + k.substr(0, 40) + "\"");
      }
    }
  }
  return Status::Ok();
}

Result<std::string> GetString(const Json& obj, const char* key,
                              const std::string& where) {
  const Json& v = obj.at(key);
  if (!v.is_string()) return Bad(where + "." + key, "is not a string");
  return v.get<std::string>();
}

Result<uint64_t> GetUint(const Json& obj, const char* key,
                         const std::string& where) {
  const Json& v = obj.at(key);
  if (!v.is_number_unsigned()) {
    return Bad(where + "." + key, "is not a non-negative integer");
  }
  return v.get<uint64_t>();
}

// Lowercase hex only, so that every value has one spelling.
Result<Bytes> LowerHex(const std::string& s, const std::string& where) {
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return Bad(where, "character " + std::to_string(i + 1) +
                            " is not lowercase hex");
    }
  }
  auto bytes = HexDecode(s);
  if (!bytes.ok()) return Bad(where, bytes.status().message());
  return *std::move(bytes);
}

Result<Hash32> HashFrom(const Json& v, const std::string& where) {
  if (!v.is_string()) return Bad(where, "is not a string");
  IMEISYNC_ASSIGN_OR_RETURN(Bytes b, LowerHex(v.get<std::string>(), where));
  if (b.size() != 32) {
    return Bad(where, std::to_string(b.size()) + " bytes, need 32");
  }
  Hash32 h;
  std::copy(b.begin(), b.end(), h.begin());
  return h;
}

Result<std::vector<Hash32>> GetHashList(const Json& obj, const char* key,
                                        const std::string& where) {
  const std::string at = where + "." + key;
  const Json& v = obj.at(key);
  if (!v.is_array()) return Bad(at, "is not an array");
  // RFC 9162 proofs of logs below 2^63 entries are shorter than this.
  if (v.size() > 128) return Bad(at, "has more than 128 hashes");
  std::vector<Hash32> out;
  for (size_t i = 0; i < v.size(); ++i) {
    IMEISYNC_ASSIGN_OR_RETURN(
        Hash32 h, HashFrom(v[i], at + "[" + std::to_string(i) + "]"));
    out.push_back(h);
  }
  return out;
}

Result<ProvenRegister> DecodeRegister(const Json& j, const std::string& where) {
  IMEISYNC_RETURN_IF_ERROR(
      ExpectObject(j, where, {"index", "entry", "inclusion"}));
  ProvenRegister reg;
  IMEISYNC_ASSIGN_OR_RETURN(reg.index, GetUint(j, "index", where));
  IMEISYNC_ASSIGN_OR_RETURN(std::string entry_hex,
                            GetString(j, "entry", where));
  IMEISYNC_ASSIGN_OR_RETURN(Bytes entry, LowerHex(entry_hex, where + ".entry"));
  auto decoded = DecodeEntry(entry);
  if (!decoded.ok()) return Bad(where + ".entry", decoded.status().message());
  reg.entry = *decoded;
  IMEISYNC_ASSIGN_OR_RETURN(reg.inclusion, GetHashList(j, "inclusion", where));
  return reg;
}

Result<SlotProof> DecodeSlot(const Json& j, const std::string& where) {
  IMEISYNC_RETURN_IF_ERROR(
      ExpectObject(j, where, {"reason", "kind", "state_proof", "register"}));
  SlotProof slot;
  IMEISYNC_ASSIGN_OR_RETURN(std::string reason, GetString(j, "reason", where));
  auto r = ParseReason(reason);
  if (!r || ReasonName(*r) != reason) {
    return Bad(where + ".reason", "is not a reason name such as \"STOLEN\"");
  }
  slot.reason = *r;
  IMEISYNC_ASSIGN_OR_RETURN(std::string kind, GetString(j, "kind", where));
  if (kind == KindName(RegisterKind::kStatement)) {
    slot.kind = RegisterKind::kStatement;
  } else if (kind == KindName(RegisterKind::kOverride)) {
    slot.kind = RegisterKind::kOverride;
  } else {
    return Bad(where + ".kind", "is neither \"statement\" nor \"override\"");
  }
  IMEISYNC_ASSIGN_OR_RETURN(std::string proof_hex,
                            GetString(j, "state_proof", where));
  IMEISYNC_ASSIGN_OR_RETURN(Bytes proof_bytes,
                            LowerHex(proof_hex, where + ".state_proof"));
  auto proof = merkle::StateProof::Decode(proof_bytes);
  if (!proof.ok()) {
    return Bad(where + ".state_proof", proof.status().message());
  }
  slot.state_proof = *std::move(proof);
  const Json& reg = j.at("register");
  if (!reg.is_null()) {
    IMEISYNC_ASSIGN_OR_RETURN(slot.reg,
                              DecodeRegister(reg, where + ".register"));
  }
  return slot;
}

Result<OriginProof> DecodeOrigin(const Json& j, const std::string& where) {
  IMEISYNC_RETURN_IF_ERROR(
      ExpectObject(j, where, {"origin", "checkpoint", "consistency", "slots"}));
  OriginProof o;
  IMEISYNC_ASSIGN_OR_RETURN(o.origin, GetString(j, "origin", where));
  const Json& cp = j.at("checkpoint");
  if (!cp.is_null()) {
    IMEISYNC_ASSIGN_OR_RETURN(o.checkpoint, GetString(j, "checkpoint", where));
    if (o.checkpoint.empty()) {
      return Bad(where + ".checkpoint", "is empty; null means none");
    }
  }
  IMEISYNC_ASSIGN_OR_RETURN(o.consistency,
                            GetHashList(j, "consistency", where));
  const Json& slots = j.at("slots");
  if (!slots.is_array()) return Bad(where + ".slots", "is not an array");
  if (slots.size() != kSlotsPerOrigin) {
    return Bad(where + ".slots", "has " + std::to_string(slots.size()) +
                                     " slots; every origin has " +
                                     std::to_string(kSlotsPerOrigin));
  }
  for (size_t i = 0; i < slots.size(); ++i) {
    IMEISYNC_ASSIGN_OR_RETURN(
        SlotProof slot,
        DecodeSlot(slots[i], where + ".slots[" + std::to_string(i) + "]"));
    o.slots.push_back(std::move(slot));
  }
  return o;
}

template <class Enum, class NameFn>
Result<Enum> ByName(const std::string& name, std::initializer_list<Enum> all,
                    NameFn name_of, const std::string& where) {
  for (Enum e : all) {
    if (name_of(e) == name) return e;
  }
  return Bad(where, "unknown name \"" + name.substr(0, 40) + "\"");
}

}  // namespace

std::string_view KindName(RegisterKind kind) {
  return kind == RegisterKind::kOverride ? "override" : "statement";
}

RegisterKind KindOf(Action action) {
  return action == Action::kAllow ? RegisterKind::kOverride
                                  : RegisterKind::kStatement;
}

Action ActionOfKind(RegisterKind kind) {
  return kind == RegisterKind::kOverride ? Action::kAllow : Action::kBlock;
}

Reason SlotReason(size_t slot) { return static_cast<Reason>(slot / 2 + 1); }

RegisterKind SlotKind(size_t slot) {
  return static_cast<RegisterKind>(slot % 2);
}

std::string EncodeDeviceProof(const DeviceProof& proof) {
  OrderedJson origins = OrderedJson::array();
  for (const OriginProof& o : proof.origins) {
    OrderedJson slots = OrderedJson::array();
    for (const SlotProof& s : o.slots) slots.push_back(EncodeSlot(s));
    OrderedJson cp = nullptr;
    if (!o.checkpoint.empty()) cp = o.checkpoint;
    origins.push_back({{"origin", o.origin},
                       {"checkpoint", cp},
                       {"consistency", HashList(o.consistency)},
                       {"slots", std::move(slots)}});
  }
  OrderedJson doc = {
      {"format", kDeviceProofFormat},
      {"tag", HexEncode(proof.tag)},
      {"bundle_version", proof.bundle_version},
      {"state_head", proof.state_head},
      {"origins", std::move(origins)},
      {"verdict",
       {{"status", verdict::VerdictName(proof.verdict)},
        {"rule", verdict::RuleName(proof.rule)}}},
  };
  return doc.dump(-1, ' ', false, Json::error_handler_t::strict);
}

Result<DeviceProof> DecodeDeviceProof(std::string_view text) {
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::parse_error& e) {
    return InvalidArgument("proof is not JSON: byte " + std::to_string(e.byte) +
                           ": " + e.what());
  }
  IMEISYNC_RETURN_IF_ERROR(ExpectObject(
      doc, "(top level)",
      {"format", "tag", "bundle_version", "state_head", "origins", "verdict"}));
  IMEISYNC_ASSIGN_OR_RETURN(std::string format,
                            GetString(doc, "format", "(top level)"));
  if (format != kDeviceProofFormat) {
    return Bad("format", "is \"" + format.substr(0, 40) + "\", not \"" +
                             std::string(kDeviceProofFormat) + "\"");
  }
  DeviceProof proof;
  IMEISYNC_ASSIGN_OR_RETURN(proof.tag, HashFrom(doc.at("tag"), "tag"));
  IMEISYNC_ASSIGN_OR_RETURN(proof.bundle_version,
                            GetUint(doc, "bundle_version", "(top level)"));
  IMEISYNC_ASSIGN_OR_RETURN(proof.state_head,
                            GetString(doc, "state_head", "(top level)"));
  const Json& origins = doc.at("origins");
  if (!origins.is_array()) return Bad("origins", "is not an array");
  for (size_t i = 0; i < origins.size(); ++i) {
    IMEISYNC_ASSIGN_OR_RETURN(
        OriginProof o,
        DecodeOrigin(origins[i], "origins[" + std::to_string(i) + "]"));
    proof.origins.push_back(std::move(o));
  }
  const Json& v = doc.at("verdict");
  IMEISYNC_RETURN_IF_ERROR(ExpectObject(v, "verdict", {"status", "rule"}));
  IMEISYNC_ASSIGN_OR_RETURN(std::string status,
                            GetString(v, "status", "verdict"));
  IMEISYNC_ASSIGN_OR_RETURN(
      proof.verdict,
      ByName(status,
             {verdict::Verdict::kWhitelisted, verdict::Verdict::kGreylisted,
              verdict::Verdict::kBlacklisted},
             verdict::VerdictName, "verdict.status"));
  IMEISYNC_ASSIGN_OR_RETURN(std::string rule, GetString(v, "rule", "verdict"));
  IMEISYNC_ASSIGN_OR_RETURN(
      proof.rule,
      ByName(
          rule,
          {verdict::Rule::kPaired, verdict::Rule::kEnforcedBlock,
           verdict::Rule::kUnregisteredPastGrace, verdict::Rule::kGreyBlock,
           verdict::Rule::kUnregisteredInGrace, verdict::Rule::kNothingAgainst},
          verdict::RuleName, "verdict.rule"));
  return proof;
}

}  // namespace imeisync::node::proofs
