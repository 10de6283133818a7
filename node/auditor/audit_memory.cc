#include "node/auditor/audit_memory.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "base/file_util.h"

namespace imeisync::node::auditor {
namespace {

constexpr size_t kMaxStateBytes = 64 << 20;

using Json = nlohmann::ordered_json;

Result<const Json*> Field(const Json& obj, const char* name,
                          const std::string& where) {
  auto it = obj.find(name);
  if (it == obj.end()) {
    return InvalidArgument(where + ": field \"" + name + "\" is missing");
  }
  return &*it;
}

Result<uint64_t> UintField(const Json& obj, const char* name,
                           const std::string& where) {
  IMEISYNC_ASSIGN_OR_RETURN(const Json* v, Field(obj, name, where));
  if (!v->is_number_unsigned()) {
    return InvalidArgument(where + ": \"" + name +
                           "\" must be a non-negative integer");
  }
  return v->get<uint64_t>();
}

Result<std::string> StringField(const Json& obj, const char* name,
                                const std::string& where) {
  IMEISYNC_ASSIGN_OR_RETURN(const Json* v, Field(obj, name, where));
  if (!v->is_string()) {
    return InvalidArgument(where + ": \"" + name + "\" must be a string");
  }
  return v->get<std::string>();
}

}  // namespace

Result<AuditDir> AuditDir::Open(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return PermissionDenied("cannot create state directory " + dir + ": " +
                            std::strerror(errno));
  }
  const std::string lock = dir + "/audit.lock";
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return PermissionDenied("cannot open " + lock + ": " +
                            std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return FailedPrecondition("another audit is using " + dir + " (" + lock +
                              " is locked)");
  }
  return AuditDir(dir, fd);
}

AuditDir::~AuditDir() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

AuditDir::AuditDir(AuditDir&& other) noexcept
    : dir_(std::move(other.dir_)), lock_fd_(other.lock_fd_) {
  other.lock_fd_ = -1;
}

Result<AuditMemory> AuditDir::Load(const std::string& federation) const {
  auto text = ReadFile(StateFile(), kMaxStateBytes);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) {
      return AuditMemory{federation, {}};
    }
    return text.status();
  }
  IMEISYNC_ASSIGN_OR_RETURN(AuditMemory memory,
                            ParseAuditMemory(*text, StateFile()));
  if (memory.federation != federation) {
    return InvalidArgument(StateFile() + ": the state is of federation \"" +
                           memory.federation + "\", not \"" + federation +
                           "\"; use another --state-dir");
  }
  return memory;
}

Status AuditDir::Save(const AuditMemory& memory) const {
  return WriteFileAtomic(StateFile(), AsBytes(FormatAuditMemory(memory)), 0600,
                         Overwrite::kYes);
}

std::string FormatAuditMemory(const AuditMemory& memory) {
  Json origins = Json::object();
  for (const auto& [origin, r] : memory.origins) {
    Json o;
    o["note"] = r.note;
    if (r.cosigned) {
      o["cosigned_size"] = r.cosigned->size;
      o["cosigned_root"] = Base64Encode(r.cosigned->root);
      o["cosigned_at"] = r.cosigned->timestamp;
    }
    origins[origin] = std::move(o);
  }
  Json doc;
  doc["version"] = 1;
  doc["federation"] = memory.federation;
  doc["origins"] = std::move(origins);
  return doc.dump(2) + "\n";
}

Result<AuditMemory> ParseAuditMemory(std::string_view text,
                                     const std::string& where) {
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgument(where + ": not a JSON object (corrupt file?)");
  }
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t version, UintField(doc, "version", where));
  if (version != 1) {
    return InvalidArgument(where + ": version " + std::to_string(version) +
                           " is not known (expected 1)");
  }
  AuditMemory memory;
  IMEISYNC_ASSIGN_OR_RETURN(memory.federation,
                            StringField(doc, "federation", where));
  IMEISYNC_ASSIGN_OR_RETURN(const Json* origins, Field(doc, "origins", where));
  if (!origins->is_object()) {
    return InvalidArgument(where + ": \"origins\" must be an object");
  }
  for (const auto& [origin, o] : origins->items()) {
    const std::string at = where + ": origins[\"" + origin + "\"]";
    if (!o.is_object()) return InvalidArgument(at + " must be an object");
    RememberedOrigin r;
    IMEISYNC_ASSIGN_OR_RETURN(r.note, StringField(o, "note", at));
    if (o.contains("cosigned_size")) {
      replication::CosignedHead head;
      IMEISYNC_ASSIGN_OR_RETURN(head.size, UintField(o, "cosigned_size", at));
      IMEISYNC_ASSIGN_OR_RETURN(head.timestamp,
                                UintField(o, "cosigned_at", at));
      IMEISYNC_ASSIGN_OR_RETURN(std::string root,
                                StringField(o, "cosigned_root", at));
      auto bytes = Base64Decode(root);
      if (!bytes.ok() || bytes->size() != 32) {
        return InvalidArgument(at +
                               ": \"cosigned_root\" is not base64 of 32 "
                               "bytes");
      }
      std::copy(bytes->begin(), bytes->end(), head.root.begin());
      r.cosigned = head;
    }
    memory.origins.emplace(origin, std::move(r));
  }
  return memory;
}

}  // namespace imeisync::node::auditor
